package io.tfssl.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Grayscale images (and optional labels) from IDX files, the format of MNIST and Fashion-MNIST.
 *
 * <p>The images file is a 3-dimensional unsigned-byte IDX file {@code [n, rows, cols]} (magic
 * {@code 0x00000803}), the labels file a 1-dimensional one {@code [n]} (magic {@code 0x00000801});
 * either may be gzipped. Both are read fully into memory and validated up front: these data sets
 * are small (Fashion-MNIST train is 47 MB), and random access to an in-memory array is what makes
 * exact shuffling and O(1) resume in {@link Dataset} cheap.
 *
 * <p>Instances are immutable and safe to read from several threads.
 */
public final class IdxSource implements ImageSource {

  /**
   * Where the Debian package {@code dataset-fashion-mnist} installs the four gzipped Fashion-MNIST
   * files.
   */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private final Path imagesFile;
  private final int size;
  private final int rows;
  private final int cols;
  private final byte[] pixels;
  private final byte[] labels;
  private final int numClasses;

  private IdxSource(
      Path imagesFile, int size, int rows, int cols, byte[] pixels, byte[] labels, int numClasses) {
    this.imagesFile = imagesFile;
    this.size = size;
    this.rows = rows;
    this.cols = cols;
    this.pixels = pixels;
    this.labels = labels;
    this.numClasses = numClasses;
  }

  /**
   * Reads an IDX images file and, optionally, its labels file.
   *
   * @param images path of the 3-dimensional unsigned-byte images file, raw or gzipped
   * @param labels path of the 1-dimensional unsigned-byte labels file, raw or gzipped, or null for
   *     an unlabeled source
   * @return the loaded source
   * @throws DataFormatException naming the file at fault, if a file is missing, unreadable,
   *     corrupt, of the wrong shape, or if the label count differs from the image count
   */
  public static IdxSource open(Path images, Path labels) {
    return load(images, labels, 0);
  }

  /**
   * Reads an IDX images file and its labels file for a data set of known class count, checking
   * every label against it.
   *
   * <p>IDX files do not record the class count, so {@link #open(Path, Path)} infers it from the
   * largest label; but one corrupt label byte then silently turns MNIST's 10 classes into 201 (a
   * label 200), and a split that happens to lack the last class into 9. When the data set is known,
   * declare its classes here: a label outside them is an error naming the labels file.
   *
   * @param images path of the 3-dimensional unsigned-byte images file, raw or gzipped
   * @param labels path of the 1-dimensional unsigned-byte labels file, raw or gzipped
   * @param numClasses the number of classes, at least 1; labels must lie in {@code [0,
   *     numClasses)}, and {@link #numClasses()} returns it
   * @return the loaded, labeled source
   * @throws DataFormatException as for {@link #open(Path, Path)}, and naming the labels file and
   *     image if a label is out of range
   * @throws IllegalArgumentException if {@code numClasses} is not positive
   */
  public static IdxSource open(Path images, Path labels, int numClasses) {
    Objects.requireNonNull(labels, "labels");
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
    }
    return load(images, labels, numClasses);
  }

  /** Reads the files; {@code numClasses} 0 infers the class count from the labels. */
  private static IdxSource load(Path images, Path labels, int numClasses) {
    Objects.requireNonNull(images, "images");
    IdxFile img = IdxFile.read(images, 3);
    int n = img.dim(0);
    byte[] lab = null;
    int classes = 0;
    if (labels != null) {
      IdxFile l = IdxFile.read(labels, 1);
      if (l.dim(0) != n) {
        throw new DataFormatException(
            labels,
            "holds " + l.dim(0) + " labels but images file " + images + " holds " + n + " images");
      }
      lab = l.data();
      classes = numClasses > 0 ? checkLabels(labels, lab, numClasses) : maxUnsigned(lab) + 1;
    }
    return new IdxSource(images, n, img.dim(1), img.dim(2), img.data(), lab, classes);
  }

  /**
   * Returns {@code numClasses} if every label is below it, else throws naming the first that is
   * not.
   */
  private static int checkLabels(Path file, byte[] labels, int numClasses) {
    for (int i = 0; i < labels.length; i++) {
      int v = labels[i] & 0xff;
      if (v >= numClasses) {
        throw new DataFormatException(
            file,
            "label "
                + v
                + " of image "
                + i
                + " is out of range 0.."
                + (numClasses - 1)
                + " ("
                + numClasses
                + " classes)");
      }
    }
    return numClasses;
  }

  /**
   * Opens an MNIST-style directory holding {@code train-images-idx3-ubyte}, {@code
   * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte},
   * each optionally with a {@code .gz} suffix (the raw file is preferred when both exist).
   *
   * @param dir the directory, for example {@link #FASHION_MNIST_DIR}
   * @param split {@link Split#TRAIN} for the {@code train-*} files, {@link Split#TEST} for {@code
   *     t10k-*}
   * @return the labeled source for that split, its class count inferred from the labels (see {@link
   *     #open(Path, Path, int)} for why declaring it is safer)
   * @throws DataFormatException naming the directory and the expected file names if the directory
   *     or a file is missing, or naming the file if a file is malformed
   */
  public static IdxSource mnistLike(Path dir, Split split) {
    Path[] files = mnistFiles(dir, split);
    return open(files[0], files[1]);
  }

  /**
   * As {@link #mnistLike(Path, Split)}, for a data set of {@code numClasses} classes: every label
   * is checked against it, as in {@link #open(Path, Path, int)}.
   *
   * @param dir the directory
   * @param split which split to load
   * @param numClasses the number of classes, at least 1 (10 for MNIST and Fashion-MNIST)
   * @return the labeled source for that split
   * @throws DataFormatException as for {@link #mnistLike(Path, Split)}, and naming the labels file
   *     if a label is out of range
   */
  public static IdxSource mnistLike(Path dir, Split split, int numClasses) {
    Path[] files = mnistFiles(dir, split);
    return open(files[0], files[1], numClasses);
  }

  /** The images and labels files of {@code split} in an MNIST-style directory. */
  private static Path[] mnistFiles(Path dir, Split split) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(split, "split");
    String prefix = split == Split.TRAIN ? "train" : "t10k";
    String imagesName = prefix + "-images-idx3-ubyte";
    String labelsName = prefix + "-labels-idx1-ubyte";
    String expected = "expected " + imagesName + "[.gz] and " + labelsName + "[.gz]";
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(
          dir, "data set directory does not exist (" + expected + ")" + installHint(dir));
    }
    return new Path[] {find(dir, imagesName, expected), find(dir, labelsName, expected)};
  }

  /**
   * Opens Fashion-MNIST from {@link #FASHION_MNIST_DIR}.
   *
   * @param split which split to load
   * @return the labeled source (60000 train or 10000 test images, 28x28x1, 10 classes)
   * @throws DataFormatException if the data set is not installed or is malformed (a label outside
   *     0..9 included)
   */
  public static IdxSource fashionMnist(Split split) {
    return mnistLike(FASHION_MNIST_DIR, split, 10);
  }

  /** How to install the data set expected in {@code dir}, or "" when we do not know. */
  static String installHint(Path dir) {
    return dir.equals(FASHION_MNIST_DIR)
        ? "; install Fashion-MNIST with: apt-get install dataset-fashion-mnist"
        : "";
  }

  private static Path find(Path dir, String name, String expected) {
    Path raw = dir.resolve(name);
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new DataFormatException(
        dir, "neither " + name + " nor " + name + ".gz found (" + expected + ")");
  }

  private static int maxUnsigned(byte[] a) {
    int max = 0;
    for (byte b : a) {
      max = Math.max(max, b & 0xff);
    }
    return max;
  }

  /** Returns the images file path. */
  @Override
  public String name() {
    return imagesFile.toString();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int height() {
    return rows;
  }

  @Override
  public int width() {
    return cols;
  }

  /** Always 1: IDX image files are grayscale. */
  @Override
  public int channels() {
    return 1;
  }

  @Override
  public void readImage(int index, byte[] dst, int offset) {
    Objects.checkIndex(index, size);
    int bytes = rows * cols;
    System.arraycopy(pixels, index * bytes, dst, offset, bytes);
  }

  /** Returns the label as an unsigned byte value, or -1 if no labels file was given. */
  @Override
  public int label(int index) {
    Objects.checkIndex(index, size);
    return labels == null ? -1 : labels[index] & 0xff;
  }

  /**
   * Returns the class count declared when opening, else the largest label plus one (10 for MNIST);
   * 0 if no labels file was given.
   */
  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public String toString() {
    return "IdxSource["
        + imagesFile
        + ", "
        + size
        + "x"
        + rows
        + "x"
        + cols
        + (labels == null ? ", unlabeled" : ", " + numClasses + " classes")
        + "]";
  }
}
