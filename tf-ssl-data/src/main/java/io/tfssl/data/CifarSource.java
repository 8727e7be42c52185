package io.tfssl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * 32x32 RGB images with class labels from the binary versions of CIFAR-10 and CIFAR-100.
 *
 * <p>Each file is a plain sequence of fixed-size records with no header: the label byte(s), then
 * 3072 pixel bytes stored <em>channel-planar</em>, that is the 1024 red values of the 32x32 image
 * in row-major order, then the 1024 green, then the 1024 blue.
 *
 * <ul>
 *   <li>CIFAR-10: 3073-byte records {@code [label 0..9][pixels]}, in {@code data_batch_1.bin} to
 *       {@code data_batch_5.bin} (train, read in that order) and {@code test_batch.bin} (test).
 *   <li>CIFAR-100: 3074-byte records {@code [coarse label 0..19][fine label 0..99][pixels]}, in
 *       {@code train.bin} and {@code test.bin}.
 * </ul>
 *
 * <p>The raw records are read fully into memory (154 MB for CIFAR-10 train) and every label is
 * validated up front, because random access to an in-memory array is what makes exact shuffling and
 * O(1) resume in {@link Dataset} cheap, and because a bad label would otherwise surface as a
 * silently wrong linear-probe accuracy. The planar pixels are kept as they are and interleaved into
 * the HWC order of {@link ImageSource} by {@link #readImage}, one tight byte loop per image:
 * converting everything at load time would need a second copy of the data set in memory for no
 * gain, since each image is read once per epoch anyway.
 *
 * <p>Instances are immutable and safe to read from several threads.
 */
public final class CifarSource implements ImageSource {

  /** Image height and width in pixels. */
  public static final int SIDE = 32;

  /** Pixels per channel plane. */
  private static final int PLANE = SIDE * SIDE;

  /** Pixel bytes per image: three planes. */
  private static final int IMAGE_BYTES = 3 * PLANE;

  /** Largest byte[] the JVM reliably allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** Which of the labels of a CIFAR-100 record {@link #label} returns. */
  public enum LabelKind {
    /** The fine label: 100 classes for CIFAR-100, the only label (10 classes) for CIFAR-10. */
    FINE,
    /** The coarse label: the 20 CIFAR-100 superclasses; not available for CIFAR-10. */
    COARSE
  }

  /** The two record layouts. */
  private enum Variant {
    CIFAR10(
        "CIFAR-10",
        "cifar-10-batches-bin",
        1,
        10,
        0,
        List.of(
            "data_batch_1.bin",
            "data_batch_2.bin",
            "data_batch_3.bin",
            "data_batch_4.bin",
            "data_batch_5.bin"),
        List.of("test_batch.bin")),
    CIFAR100(
        "CIFAR-100", "cifar-100-binary", 2, 100, 20, List.of("train.bin"), List.of("test.bin"));

    final String title;
    final String subFolder;

    /** Label bytes before the pixels; the fine label is the last of them. */
    final int labelBytes;

    final int fineClasses;

    /** 0 when records have no coarse label. */
    final int coarseClasses;

    final List<String> trainFiles;
    final List<String> testFiles;

    Variant(
        String title,
        String subFolder,
        int labelBytes,
        int fineClasses,
        int coarseClasses,
        List<String> trainFiles,
        List<String> testFiles) {
      this.title = title;
      this.subFolder = subFolder;
      this.labelBytes = labelBytes;
      this.fineClasses = fineClasses;
      this.coarseClasses = coarseClasses;
      this.trainFiles = trainFiles;
      this.testFiles = testFiles;
    }

    int recordBytes() {
      return labelBytes + IMAGE_BYTES;
    }

    List<String> files(Split split) {
      return split == Split.TRAIN ? trainFiles : testFiles;
    }

    /** What a data directory must hold, for error messages. */
    String expected() {
      List<String> all = new ArrayList<>(trainFiles);
      all.addAll(testFiles);
      return "expected "
          + title
          + " binary files "
          + String.join(", ", all)
          + ", directly or in a "
          + subFolder
          + " sub-folder";
    }
  }

  private final String name;
  private final Variant variant;
  private final byte[] records;
  private final int size;
  private final LabelKind labelKind;

  private CifarSource(String name, Variant variant, byte[] records, int size, LabelKind labelKind) {
    this.name = name;
    this.variant = variant;
    this.records = records;
    this.size = size;
    this.labelKind = labelKind;
  }

  /**
   * Loads a split of CIFAR-10.
   *
   * @param dir the directory holding the {@code *.bin} files, or the directory holding the {@code
   *     cifar-10-batches-bin} folder the archive unpacks into
   * @param split {@link Split#TRAIN} for {@code data_batch_1.bin} to {@code data_batch_5.bin} (in
   *     that order), {@link Split#TEST} for {@code test_batch.bin}
   * @return the labeled source (32x32x3, 10 classes)
   * @throws DataFormatException naming the directory and the expected file names if the directory
   *     or a file is missing, or naming the file (with the offending record and byte offset) if a
   *     file is malformed
   */
  public static CifarSource cifar10(Path dir, Split split) {
    return load(Variant.CIFAR10, dir, split, LabelKind.FINE);
  }

  /**
   * Loads a split of CIFAR-100, labeled with the 100 fine classes.
   *
   * @param dir the directory holding {@code train.bin} and {@code test.bin}, or the directory
   *     holding the {@code cifar-100-binary} folder the archive unpacks into
   * @param split {@link Split#TRAIN} for {@code train.bin}, {@link Split#TEST} for {@code test.bin}
   * @return the labeled source (32x32x3, 100 classes)
   * @throws DataFormatException as for {@link #cifar10}
   */
  public static CifarSource cifar100(Path dir, Split split) {
    return cifar100(dir, split, LabelKind.FINE);
  }

  /**
   * Loads a split of CIFAR-100, labeled with the fine (100) or coarse (20) classes.
   *
   * @param dir as for {@link #cifar100(Path, Split)}
   * @param split as for {@link #cifar100(Path, Split)}
   * @param labels which label {@link #label} returns
   * @return the labeled source
   * @throws DataFormatException as for {@link #cifar10}
   */
  public static CifarSource cifar100(Path dir, Split split, LabelKind labels) {
    return load(Variant.CIFAR100, dir, split, Objects.requireNonNull(labels, "labels"));
  }

  private static CifarSource load(Variant v, Path dir, Split split, LabelKind labelKind) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(split, "split");
    List<String> names = v.files(split);
    Path d = DataDirectory.locate(dir, v.subFolder, names.get(0), v.expected());
    List<Path> files = DataDirectory.require(d, names, v.expected());
    int recordBytes = v.recordBytes();

    long[] sizes = new long[files.size()];
    long total = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      sizes[f] = checkedSize(file, v);
      total += sizes[f];
      if (total > MAX_ARRAY) {
        throw new DataFormatException(
            d,
            names
                + " total more than "
                + MAX_ARRAY
                + " bytes, too many to hold in memory; is this really "
                + v.title
                + "?");
      }
    }
    byte[] records = new byte[(int) total];
    int offset = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      int len = (int) sizes[f];
      readFully(file, records, offset, len);
      checkLabels(file, v, records, offset, len / recordBytes);
      offset += len;
    }
    String name = v.title + " " + split.name().toLowerCase(Locale.ROOT) + " (" + d + ")";
    return new CifarSource(name, v, records, (int) (total / recordBytes), labelKind);
  }

  /** The size of a data file, which must be a positive whole number of records. */
  private static long checkedSize(Path file, Variant v) {
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read: " + e, e);
    }
    int recordBytes = v.recordBytes();
    if (bytes == 0) {
      throw new DataFormatException(
          file,
          "is empty (0 bytes); a "
              + v.title
              + " file holds whole "
              + recordBytes
              + "-byte records");
    }
    long remainder = bytes % recordBytes;
    if (remainder != 0) {
      long whole = bytes / recordBytes;
      throw new DataFormatException(
          file,
          "size "
              + bytes
              + " bytes is not a multiple of the "
              + recordBytes
              + "-byte "
              + v.title
              + " record: "
              + whole
              + " whole records, then a partial record of "
              + remainder
              + " bytes starting at byte offset "
              + whole * recordBytes
              + " (truncated download or wrong data set?)");
    }
    return bytes;
  }

  private static void readFully(Path file, byte[] dst, int offset, int len) {
    try (InputStream in = Files.newInputStream(file)) {
      int got = in.readNBytes(dst, offset, len);
      if (got < len) {
        throw new DataFormatException(
            file, "shrank while being read: expected " + len + " bytes, found only " + got);
      }
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read: " + e, e);
    }
  }

  /** Checks the label bytes of the {@code count} records at {@code offset} in {@code records}. */
  private static void checkLabels(Path file, Variant v, byte[] records, int offset, int count) {
    int recordBytes = v.recordBytes();
    for (int r = 0; r < count; r++) {
      int start = offset + r * recordBytes;
      long fileOffset = (long) r * recordBytes;
      if (v.coarseClasses > 0) {
        checkLabel(
            file,
            r,
            fileOffset,
            "coarse label",
            records[start] & 0xff,
            fileOffset,
            v.coarseClasses);
      }
      int fineAt = v.labelBytes - 1;
      String what = v.coarseClasses > 0 ? "fine label" : "label";
      checkLabel(
          file,
          r,
          fileOffset,
          what,
          records[start + fineAt] & 0xff,
          fileOffset + fineAt,
          v.fineClasses);
    }
  }

  private static void checkLabel(
      Path file,
      int record,
      long recordOffset,
      String what,
      int value,
      long byteOffset,
      int classes) {
    if (value >= classes) {
      throw new DataFormatException(
          file,
          "record "
              + record
              + " (starting at byte offset "
              + recordOffset
              + "): "
              + what
              + " "
              + value
              + " at byte offset "
              + byteOffset
              + " is out of range 0.."
              + (classes - 1));
    }
  }

  /**
   * The same images with {@link #label} returning the other kind of label; shares the loaded data,
   * so both views cost the memory of one.
   *
   * @param kind the label kind
   * @return a source over the same records
   * @throws IllegalArgumentException if {@code kind} is {@link LabelKind#COARSE} on CIFAR-10
   */
  public CifarSource withLabelKind(LabelKind kind) {
    Objects.requireNonNull(kind, "kind");
    if (kind == LabelKind.COARSE && !hasCoarseLabels()) {
      throw new IllegalArgumentException(name + " has no coarse labels (only CIFAR-100 has)");
    }
    return kind == labelKind ? this : new CifarSource(name, variant, records, size, kind);
  }

  /**
   * Which label {@link #label} returns.
   *
   * @return the label kind; always {@link LabelKind#FINE} for CIFAR-10
   */
  public LabelKind labelKind() {
    return labelKind;
  }

  /**
   * Whether the records carry a coarse label, that is whether this is CIFAR-100.
   *
   * @return true for CIFAR-100
   */
  public boolean hasCoarseLabels() {
    return variant.coarseClasses > 0;
  }

  /**
   * The fine label of image {@code index}, whatever {@link #labelKind()} is.
   *
   * @param index the image index
   * @return the label in {@code [0, 100)} for CIFAR-100, the only label in {@code [0, 10)} for
   *     CIFAR-10
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public int fineLabel(int index) {
    Objects.checkIndex(index, size);
    return records[index * variant.recordBytes() + variant.labelBytes - 1] & 0xff;
  }

  /**
   * The coarse (superclass) label of image {@code index}, whatever {@link #labelKind()} is.
   *
   * @param index the image index
   * @return the label in {@code [0, 20)}
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   * @throws UnsupportedOperationException on CIFAR-10, which has no coarse labels
   */
  public int coarseLabel(int index) {
    Objects.checkIndex(index, size);
    if (!hasCoarseLabels()) {
      throw new UnsupportedOperationException(name + " has no coarse labels (only CIFAR-100 has)");
    }
    return records[index * variant.recordBytes()] & 0xff;
  }

  /**
   * Returns the data set, split and directory, for example {@code CIFAR-10 train
   * (/data/cifar-10-batches-bin)}.
   */
  @Override
  public String name() {
    return name;
  }

  @Override
  public int size() {
    return size;
  }

  /** Always 32. */
  @Override
  public int height() {
    return SIDE;
  }

  /** Always 32. */
  @Override
  public int width() {
    return SIDE;
  }

  /** Always 3 (RGB). */
  @Override
  public int channels() {
    return 3;
  }

  /** Interleaves the record's R, G and B planes into HWC order. */
  @Override
  public void readImage(int index, byte[] dst, int offset) {
    Objects.checkIndex(index, size);
    Objects.checkFromIndexSize(offset, IMAGE_BYTES, dst.length);
    byte[] src = records;
    int r = index * variant.recordBytes() + variant.labelBytes;
    int g = r + PLANE;
    int b = g + PLANE;
    int o = offset;
    for (int p = 0; p < PLANE; p++, o += 3) {
      dst[o] = src[r + p];
      dst[o + 1] = src[g + p];
      dst[o + 2] = src[b + p];
    }
  }

  /**
   * Returns the fine label, or the coarse one if {@link #labelKind()} is {@link LabelKind#COARSE}.
   */
  @Override
  public int label(int index) {
    return labelKind == LabelKind.COARSE ? coarseLabel(index) : fineLabel(index);
  }

  /** Returns 10 for CIFAR-10, 100 for CIFAR-100 fine labels, 20 for coarse ones. */
  @Override
  public int numClasses() {
    return labelKind == LabelKind.COARSE ? variant.coarseClasses : variant.fineClasses;
  }

  @Override
  public String toString() {
    return "CifarSource["
        + name
        + ", "
        + size
        + "x32x32x3, "
        + numClasses()
        + " "
        + labelKind.name().toLowerCase(Locale.ROOT)
        + " classes]";
  }
}
