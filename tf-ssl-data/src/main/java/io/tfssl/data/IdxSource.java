package io.tfssl.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Grayscale images (and optional labels) from IDX files, the format of MNIST and
 * Fashion-MNIST.
 *
 * <p>The images file is a 3-dimensional unsigned-byte IDX file {@code [n, rows, cols]} (magic
 * {@code 0x00000803}), the labels file a 1-dimensional one {@code [n]} (magic
 * {@code 0x00000801}); either may be gzipped. Both are read fully into memory and validated up
 * front: these data sets are small (Fashion-MNIST train is 47 MB), and random access to an
 * in-memory array is what makes exact shuffling and O(1) resume in {@link Dataset} cheap.
 *
 * <p>Instances are immutable and safe to read from several threads.
 */
public final class IdxSource implements ImageSource {

    /**
     * Where the Debian package {@code dataset-fashion-mnist} installs the four gzipped
     * Fashion-MNIST files.
     */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private final Path imagesFile;
    private final int size;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final int numClasses;

    private IdxSource(Path imagesFile, int size, int rows, int cols, byte[] pixels, byte[] labels) {
        this.imagesFile = imagesFile;
        this.size = size;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.numClasses = labels == null ? 0 : maxUnsigned(labels) + 1;
    }

    /**
     * Reads an IDX images file and, optionally, its labels file.
     *
     * @param images path of the 3-dimensional unsigned-byte images file, raw or gzipped
     * @param labels path of the 1-dimensional unsigned-byte labels file, raw or gzipped, or
     *               null for an unlabeled source
     * @return the loaded source
     * @throws DataFormatException naming the file at fault, if a file is missing, unreadable,
     *                             corrupt, of the wrong shape, or if the label count differs
     *                             from the image count
     */
    public static IdxSource open(Path images, Path labels) {
        Objects.requireNonNull(images, "images");
        IdxFile img = IdxFile.read(images, 3);
        int n = img.dim(0);
        byte[] lab = null;
        if (labels != null) {
            IdxFile l = IdxFile.read(labels, 1);
            if (l.dim(0) != n) {
                throw new DataFormatException(labels, "holds " + l.dim(0)
                        + " labels but images file " + images + " holds " + n + " images");
            }
            lab = l.data();
        }
        return new IdxSource(images, n, img.dim(1), img.dim(2), img.data(), lab);
    }

    /**
     * Opens an MNIST-style directory holding {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
     * {@code t10k-labels-idx1-ubyte}, each optionally with a {@code .gz} suffix (the raw file is
     * preferred when both exist).
     *
     * @param dir   the directory, for example {@link #FASHION_MNIST_DIR}
     * @param split {@link Split#TRAIN} for the {@code train-*} files, {@link Split#TEST} for
     *              {@code t10k-*}
     * @return the labeled source for that split
     * @throws DataFormatException naming the directory and the expected file names if the
     *                             directory or a file is missing, or naming the file if a file
     *                             is malformed
     */
    public static IdxSource mnistLike(Path dir, Split split) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(split, "split");
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        String imagesName = prefix + "-images-idx3-ubyte";
        String labelsName = prefix + "-labels-idx1-ubyte";
        String expected = "expected " + imagesName + "[.gz] and " + labelsName + "[.gz]";
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, "data set directory does not exist (" + expected + ")"
                    + installHint(dir));
        }
        Path images = find(dir, imagesName, expected);
        Path labels = find(dir, labelsName, expected);
        return open(images, labels);
    }

    /**
     * Opens Fashion-MNIST from {@link #FASHION_MNIST_DIR}.
     *
     * @param split which split to load
     * @return the labeled source (60000 train or 10000 test images, 28x28x1, 10 classes)
     * @throws DataFormatException if the data set is not installed or is malformed
     */
    public static IdxSource fashionMnist(Split split) {
        return mnistLike(FASHION_MNIST_DIR, split);
    }

    /** How to install the data set expected in {@code dir}, or "" when we do not know. */
    static String installHint(Path dir) {
        return dir.equals(FASHION_MNIST_DIR)
                ? "; install Fashion-MNIST with: apt-get install dataset-fashion-mnist" : "";
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
        throw new DataFormatException(dir, "neither " + name + " nor " + name + ".gz found (" + expected + ")");
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

    /** Returns the largest label plus one (10 for MNIST), or 0 if no labels file was given. */
    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public String toString() {
        return "IdxSource[" + imagesFile + ", " + size + "x" + rows + "x" + cols
                + (labels == null ? ", unlabeled" : ", " + numClasses + " classes") + "]";
    }
}
