package io.tfssl.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * 96x96 RGB images, labeled or not, from the binary version of STL-10.
 *
 * <p>The {@code *_X.bin} files are headerless sequences of 27648-byte images. Each image is stored
 * channel-planar <em>and column-major</em> (it was written from MATLAB): the 96x96 red matrix in
 * Fortran order (all of column 0 top to bottom, then column 1, ...), then green, then blue. {@link
 * #readImage} converts that to the row-major interleaved HWC order of {@link ImageSource}; reading
 * the bytes as row-major would silently give transposed images, which a model still learns from, so
 * the mistake would never show. The {@code *_y.bin} files hold one label byte per image, numbered 1
 * to 10 as in MATLAB; this source exposes them as 0 to 9.
 *
 * <p>Memory stays bounded whatever the split: {@code unlabeled_X.bin} is 2.7 GB, so images are not
 * loaded but read on demand, one positional {@code FileChannel} read per image into a per-thread
 * buffer (see the package-private {@code PositionalFile}); only the labels (one byte per image) are
 * held in memory. File sizes and labels are validated when the source is opened.
 *
 * <p>{@link #readImage} is safe to call from several threads at once, and survives a reading thread
 * being interrupted (as a closed prefetching iterator does). The source holds open files: {@link
 * #close()} it when done; after that {@link #readImage} throws {@link IllegalStateException} while
 * the labels remain readable.
 */
public final class Stl10Source implements ImageSource, AutoCloseable {

  /** Image height and width in pixels. */
  public static final int SIDE = 96;

  /** The number of classes of the labeled parts. */
  public static final int CLASSES = 10;

  /** Pixels per channel plane. */
  private static final int PLANE = SIDE * SIDE;

  /** Bytes per image: three planes. */
  private static final int IMAGE_BYTES = 3 * PLANE;

  /** The archive unpacks into this folder. */
  private static final String SUB_FOLDER = "stl10_binary";

  /** One raw (column-major planar) image per reading thread, shared by all instances. */
  private static final ThreadLocal<ByteBuffer> RAW =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(IMAGE_BYTES));

  /** One images file and, if labeled, its labels (already 0-based); -1 labels when null. */
  private record Part(PositionalFile images, int count, byte[] labels) {}

  private final String name;
  private final List<Part> parts;
  private final int size;
  private final int numClasses;

  private Stl10Source(String name, List<Part> parts) {
    this.name = name;
    this.parts = List.copyOf(parts);
    long total = 0;
    boolean labeled = false;
    for (Part p : parts) {
      total += p.count();
      labeled |= p.labels() != null;
    }
    this.size = Math.toIntExact(total);
    this.numClasses = labeled ? CLASSES : 0;
  }

  /**
   * Opens a split of STL-10, validating file sizes and labels.
   *
   * @param dir the directory holding the {@code *.bin} files, or the directory holding the {@code
   *     stl10_binary} folder the archive unpacks into
   * @param split which images to serve
   * @return the source (96x96x3); close it when done
   * @throws DataFormatException naming the directory and the expected file names if the directory
   *     or a file is missing; naming the file if an images file is not a whole number of images or
   *     disagrees with its labels file on the image count, or if a label is outside 1..10
   */
  public static Stl10Source open(Path dir, Stl10Split split) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(split, "split");
    List<String> names =
        switch (split) {
          case UNLABELED -> List.of("unlabeled_X.bin");
          case TRAIN -> List.of("train_X.bin", "train_y.bin");
          case TEST -> List.of("test_X.bin", "test_y.bin");
          case TRAIN_AND_UNLABELED -> List.of("train_X.bin", "train_y.bin", "unlabeled_X.bin");
        };
    String expected =
        "expected STL-10 binary files "
            + String.join(", ", names)
            + " for split "
            + split
            + ", directly or in a "
            + SUB_FOLDER
            + " sub-folder";
    Path d = DataDirectory.locate(dir, SUB_FOLDER, names.get(0), expected);
    List<Path> files = DataDirectory.require(d, names, expected);

    List<Part> parts = new ArrayList<>();
    try {
      if (split == Stl10Split.UNLABELED) {
        parts.add(openPart(files.get(0), null));
      } else {
        parts.add(openPart(files.get(0), files.get(1)));
      }
      if (split == Stl10Split.TRAIN_AND_UNLABELED) {
        parts.add(openPart(files.get(2), null));
      }
    } catch (RuntimeException e) {
      parts.forEach(p -> p.images().close());
      throw e;
    }
    String name = "STL-10 " + split.name().toLowerCase(Locale.ROOT) + " (" + d + ")";
    return new Stl10Source(name, parts);
  }

  /** Opens an images file, checking its size against its labels file (or, if none, its own). */
  private static Part openPart(Path imagesFile, Path labelsFile) {
    byte[] labels = labelsFile == null ? null : readLabels(labelsFile);
    PositionalFile images = PositionalFile.open(imagesFile);
    try {
      long bytes = images.size();
      if (bytes == 0) {
        throw new DataFormatException(
            imagesFile,
            "is empty (0 bytes); an STL-10 images file holds whole "
                + IMAGE_BYTES
                + "-byte images");
      }
      long count;
      if (labels != null) {
        count = labels.length;
        long expected = count * IMAGE_BYTES;
        if (bytes != expected) {
          throw new DataFormatException(
              imagesFile,
              "size "
                  + bytes
                  + " bytes does not match the "
                  + count
                  + " labels in "
                  + labelsFile
                  + ": expected "
                  + count
                  + " x "
                  + IMAGE_BYTES
                  + " = "
                  + expected
                  + " bytes"
                  + imageCountNote(bytes));
        }
      } else {
        count = bytes / IMAGE_BYTES;
        if (bytes % IMAGE_BYTES != 0) {
          throw new DataFormatException(
              imagesFile,
              "size "
                  + bytes
                  + " bytes is not a whole number of "
                  + IMAGE_BYTES
                  + "-byte images: expected count x "
                  + IMAGE_BYTES
                  + " bytes, such as "
                  + count
                  + " x "
                  + IMAGE_BYTES
                  + " = "
                  + count * IMAGE_BYTES
                  + " (a partial image of "
                  + bytes % IMAGE_BYTES
                  + " bytes starts at byte offset "
                  + count * IMAGE_BYTES
                  + ")");
        }
        if (count > Integer.MAX_VALUE) {
          throw new DataFormatException(
              imagesFile, "holds " + count + " images, more than an index can address");
        }
      }
      return new Part(images, (int) count, labels);
    } catch (RuntimeException e) {
      images.close();
      throw e;
    }
  }

  private static String imageCountNote(long bytes) {
    return bytes % IMAGE_BYTES == 0
        ? " (it holds " + bytes / IMAGE_BYTES + " images)"
        : " (not even a whole number of images: " + bytes % IMAGE_BYTES + " bytes left over)";
  }

  /** Reads a labels file, mapping 1..10 to 0..9. */
  private static byte[] readLabels(Path file) {
    byte[] labels;
    try {
      labels = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read: " + e, e);
    }
    if (labels.length == 0) {
      throw new DataFormatException(
          file, "is empty (0 bytes); an STL-10 labels file holds one byte, 1..10, per image");
    }
    for (int i = 0; i < labels.length; i++) {
      int v = labels[i] & 0xff;
      if (v < 1 || v > CLASSES) {
        throw new DataFormatException(
            file,
            "label "
                + v
                + " of image "
                + i
                + " (byte offset "
                + i
                + ") is out of range 1.."
                + CLASSES);
      }
      labels[i] = (byte) (v - 1);
    }
    return labels;
  }

  /**
   * Returns the data set, split and directory, for example {@code STL-10 train
   * (/data/stl10_binary)}.
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * Returns 5000 for train, 8000 for test, 100000 unlabeled, 105000 for both (with the real files).
   */
  @Override
  public int size() {
    return size;
  }

  /** Always 96. */
  @Override
  public int height() {
    return SIDE;
  }

  /** Always 96. */
  @Override
  public int width() {
    return SIDE;
  }

  /** Always 3 (RGB). */
  @Override
  public int channels() {
    return 3;
  }

  /**
   * Reads the image from its file and converts it from column-major planar to HWC.
   *
   * @throws IllegalStateException if this source has been closed
   * @throws java.io.UncheckedIOException if the calling thread is interrupted
   * @throws DataFormatException naming the file if it cannot be read (for example because it shrank
   *     after opening)
   */
  @Override
  public void readImage(int index, byte[] dst, int offset) {
    Objects.checkIndex(index, size);
    Objects.checkFromIndexSize(offset, IMAGE_BYTES, dst.length);
    int i = index;
    Part part = null;
    for (Part p : parts) {
      if (i < p.count()) {
        part = p;
        break;
      }
      i -= p.count();
    }
    ByteBuffer buf = RAW.get();
    buf.clear();
    part.images().readFully(buf, (long) i * IMAGE_BYTES);
    columnMajorPlanarToHwc(buf.array(), dst, offset);
  }

  /**
   * Writes {@code src}'s three column-major planes to {@code dst} row by row, channels interleaved.
   */
  private static void columnMajorPlanarToHwc(byte[] src, byte[] dst, int offset) {
    int o = offset;
    for (int y = 0; y < SIDE; y++) {
      // pixel (y, x) of channel c is at c * PLANE + x * SIDE + y
      for (int s = y, end = y + PLANE; s < end; s += SIDE, o += 3) {
        dst[o] = src[s];
        dst[o + 1] = src[s + PLANE];
        dst[o + 2] = src[s + 2 * PLANE];
      }
    }
  }

  /** Returns the label in 0..9 (the file's 1..10 minus one), or -1 for an unlabeled image. */
  @Override
  public int label(int index) {
    Objects.checkIndex(index, size);
    int i = index;
    for (Part p : parts) {
      if (i < p.count()) {
        return p.labels() == null ? -1 : p.labels()[i];
      }
      i -= p.count();
    }
    throw new AssertionError("parts sum to size");
  }

  /**
   * Returns 10, or 0 for {@link Stl10Split#UNLABELED}. With {@link Stl10Split#TRAIN_AND_UNLABELED}
   * it is 10 although most labels are -1.
   */
  @Override
  public int numClasses() {
    return numClasses;
  }

  /** Closes the images files; idempotent. Labels stay readable, images do not. */
  @Override
  public void close() {
    parts.forEach(p -> p.images().close());
  }

  @Override
  public String toString() {
    return "Stl10Source["
        + name
        + ", "
        + size
        + "x96x96x3"
        + (numClasses == 0 ? ", unlabeled" : ", " + numClasses + " classes")
        + "]";
  }
}
