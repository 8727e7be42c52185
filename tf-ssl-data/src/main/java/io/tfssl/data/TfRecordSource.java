package io.tfssl.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * Images stored as {@code tf.train.Example} records in uncompressed TFRecord files, in the layout
 * of the TF-slim / TPU ImageNet conversion scripts: the encoded JPEG or PNG in the bytes feature
 * {@code image/encoded}, the class in the int64 feature {@code image/class/label} (both names
 * configurable).
 *
 * <p><b>Labels.</b> The TF-slim ImageNet files number the classes 1..1000 (0 was reserved for
 * "background"). Labels are returned as stored plus {@link Builder#labelOffset(int)}, default 0,
 * that is <em>as is</em>: for 0-based labels use {@code numClasses(1000).labelOffset(-1)}, or keep
 * them as is with {@code numClasses(1001)}. The number of classes cannot be learnt without reading
 * every record, so it is given with {@link Builder#numClasses(int)}; without it the source is
 * unlabeled (label -1 and the label feature is not required). Every label read is checked against
 * {@code [0, numClasses)}, which catches a forgotten offset on the first batch.
 *
 * <p><b>Framing, read in Java.</b> A record is {@code uint64 length} (little-endian), {@code
 * uint32} masked CRC32C of those 8 bytes, {@code length} data bytes, {@code uint32} masked CRC32C
 * of the data, where {@code masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8}. TensorFlow's own
 * {@code TFRecordDataset} is not used because the framework's wrapper is broken in 1.1.0 and a
 * tf.data stream cannot be read at random, which exact shuffling and O(1) resume need. Instead,
 * opening the source scans every file's record headers once (verifying each length CRC) and keeps
 * one offset and one length per record, 12 bytes, never the data. Each read then seeks to the
 * record, reads it and verifies the data CRC.
 *
 * <p><b>Errors</b> name the file, the record index within it and the byte offset of the record
 * header. A bad length CRC or a truncated record fails {@link Builder#build()} even with {@code
 * skipBadImages}, since the records after it can no longer be located. So does record 0 lacking the
 * configured features, or holding a label outside {@code [0, numClasses)}: that is a layout or
 * configuration mismatch, which would otherwise only show after every record had been skipped.
 * Later, a bad data CRC, an unparseable {@code Example}, a missing feature or an undecodable image
 * fail the read, or with {@code skipBadImages} are replaced as described in {@link
 * EncodedImageSource}; a label out of range always fails. GZIP- or ZLIB-compressed TFRecord files
 * are not supported.
 *
 * <pre>{@code
 * try (TfRecordSource train = TfRecordSource.builder(Path.of("/data/imagenet-tfr"), "train-*")
 *         .size(224, 224).numClasses(1000).labelOffset(-1).build()) { ... }
 * }</pre>
 */
public final class TfRecordSource extends EncodedImageSource {

  /** The 8-byte length and its 4-byte CRC. */
  static final int HEADER_BYTES = 12;

  /** The 4-byte data CRC. */
  static final int FOOTER_BYTES = 4;

  private static final int MASK_DELTA = 0xa282ead8;
  private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - HEADER_BYTES - FOOTER_BYTES - 8;

  private final List<Path> files;
  private final String name;
  private final Path origin;
  private final String imageFeature;
  private final String labelFeature;
  private final int numClasses;
  private final int labelOffset;
  private final String labelNote;

  /**
   * {@code fileStarts[f]} is the index of the first record of file {@code f}; one extra entry for
   * the end.
   */
  private final int[] fileStarts;

  /** Byte offset of each record's header in its file. */
  private final long[] offsets;

  /** Data length of each record. */
  private final int[] lengths;

  private TfRecordSource(
      Builder b,
      List<Path> files,
      String name,
      Path origin,
      int[] fileStarts,
      long[] offsets,
      int[] lengths) {
    super(b, offsets.length);
    this.files = files;
    this.name = name;
    this.origin = origin;
    this.imageFeature = b.imageFeature;
    this.labelFeature = b.labelFeature;
    this.numClasses = b.numClasses;
    this.labelOffset = b.labelOffset;
    this.labelNote = b.labelNote;
    this.fileStarts = fileStarts;
    this.offsets = offsets;
    this.lengths = lengths;
  }

  /**
   * Starts configuring a source over the given TFRecord files, read in the given order.
   *
   * @param files the files, at least one
   * @return the builder; at least {@link Builder#size} is required
   */
  public static Builder builder(List<Path> files) {
    Objects.requireNonNull(files, "files");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no TFRecord files given");
    }
    files.forEach(f -> Objects.requireNonNull(f, "file"));
    return new Builder(List.copyOf(files), null, null);
  }

  /**
   * Starts configuring a source over the files of {@code dir} whose names match {@code glob} (for
   * example {@code "train-*"}), sorted by name.
   *
   * @param dir the directory
   * @param glob a {@link java.nio.file.FileSystem#getPathMatcher glob} matched against file names
   * @return the builder; at least {@link Builder#size} is required
   */
  public static Builder builder(Path dir, String glob) {
    return new Builder(
        null, Objects.requireNonNull(dir, "dir"), Objects.requireNonNull(glob, "glob"));
  }

  /** The CRC32C of {@code len} bytes at {@code off}, masked as TFRecord stores it. */
  static int maskedCrc32c(byte[] data, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(data, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static List<Path> glob(Path dir, String glob) {
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(dir, "TFRecord directory does not exist or is not a directory");
    }
    PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (matcher.matches(p.getFileName()) && Files.isRegularFile(p)) {
          names.add(p.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(dir, "cannot list TFRecord directory: " + e, e);
    }
    if (names.isEmpty()) {
      throw new DataFormatException(dir, "no file matches the glob \"" + glob + "\"");
    }
    return names.stream().map(dir::resolve).toList();
  }

  private static TfRecordSource index(Builder b) {
    List<Path> files = b.files != null ? b.files : glob(b.dir, b.glob);
    String name =
        b.dir != null
            ? b.dir.resolve(b.glob).toString()
            : files.size() == 1
                ? files.get(0).toString()
                : files.get(0) + " and " + (files.size() - 1) + " more TFRecord files";
    Path origin = b.dir != null ? b.dir : files.get(0);
    int[] fileStarts = new int[files.size() + 1];
    long[] offsets = new long[1024];
    int[] lengths = new int[1024];
    int count = 0;
    byte[] header = new byte[HEADER_BYTES];
    for (int f = 0; f < files.size(); f++) {
      fileStarts[f] = count;
      Path file = files.get(f);
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
        long size = raf.length();
        long pos = 0;
        for (int r = 0; pos < size; r++) {
          if (size - pos < HEADER_BYTES) {
            throw new DataFormatException(
                file,
                where(r, pos)
                    + ": truncated record: only "
                    + (size - pos)
                    + " bytes left for the "
                    + HEADER_BYTES
                    + "-byte record header");
          }
          raf.seek(pos);
          raf.readFully(header);
          long length = ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
          int stored = littleInt(header, 8);
          int computed = maskedCrc32c(header, 0, 8);
          if (stored != computed) {
            throw new DataFormatException(
                file,
                where(r, pos)
                    + ": length CRC mismatch (stored 0x"
                    + Integer.toHexString(stored)
                    + ", computed 0x"
                    + Integer.toHexString(computed)
                    + "): not a TFRecord file, or corrupt"
                    + compressionHint(r, header));
          }
          if (length < 0 || length > MAX_RECORD_BYTES) {
            throw new DataFormatException(
                file,
                where(r, pos)
                    + ": record length "
                    + Long.toUnsignedString(length)
                    + " exceeds the supported "
                    + MAX_RECORD_BYTES
                    + " bytes");
          }
          long end = pos + HEADER_BYTES + length + FOOTER_BYTES;
          if (end > size) {
            throw new DataFormatException(
                file,
                where(r, pos)
                    + ": truncated record: "
                    + length
                    + " data bytes plus CRCs need "
                    + (end - pos)
                    + " bytes but the file ends after "
                    + (size - pos));
          }
          if (count == Integer.MAX_VALUE - 8) {
            throw new DataFormatException(
                file, where(r, pos) + ": more than " + count + " records in total");
          }
          if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
          }
          offsets[count] = pos;
          lengths[count] = (int) length;
          count++;
          pos = end;
        }
      } catch (IOException e) {
        throw new DataFormatException(file, "cannot read TFRecord file: " + e, e);
      }
    }
    fileStarts[files.size()] = count;
    if (count == 0) {
      throw new DataFormatException(origin, "the TFRecord files of " + name + " hold no records");
    }
    TfRecordSource source =
        new TfRecordSource(
            b,
            files,
            name,
            origin,
            fileStarts,
            Arrays.copyOf(offsets, count),
            Arrays.copyOf(lengths, count));
    source.checkLayout();
    return source;
  }

  private static String compressionHint(int record, byte[] header) {
    return record == 0 && header[0] == 0x1f && header[1] == (byte) 0x8b
        ? " (the file starts like GZIP: compressed TFRecord files are not supported, decompress them first)"
        : "";
  }

  private static String where(int record, long offset) {
    return "record " + record + " at byte offset " + offset;
  }

  private static int littleInt(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  private int fileOf(int index) {
    int pos = Arrays.binarySearch(fileStarts, index);
    if (pos < 0) {
      return -pos - 2;
    }
    // files without records share a start with the next file: take the last such file
    while (pos + 1 < files.size() && fileStarts[pos + 1] == index) {
      pos++;
    }
    return pos;
  }

  /**
   * Where record {@code index} is stored, as error messages name it.
   *
   * @param index the image index
   * @return for example {@code "/data/train-00003-of-01024: record 17 at byte offset 2093210"}
   */
  public String location(int index) {
    Objects.checkIndex(index, offsets.length);
    int f = fileOf(index);
    return files.get(f) + ": " + where(index - fileStarts[f], offsets[index]);
  }

  /** Reads, CRC-checks and parses record {@code index}. */
  private Example example(int index, Path file, String where) {
    int length = lengths[index];
    byte[] buf = new byte[HEADER_BYTES + length + FOOTER_BYTES];
    // java.io rather than a FileChannel: a channel is closed by Thread.interrupt()
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(offsets[index]);
      raf.readFully(buf);
    } catch (EOFException e) {
      throw new DataFormatException(
          file,
          where + ": truncated record: the file is shorter than when the source " + "was opened",
          e);
    } catch (IOException e) {
      throw new DataFormatException(file, where + ": cannot read record: " + e, e);
    }
    long storedLength = ByteBuffer.wrap(buf).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (storedLength != length || littleInt(buf, 8) != maskedCrc32c(buf, 0, 8)) {
      throw new DataFormatException(
          file,
          where
              + ": record header changed since the source was opened "
              + "(length "
              + storedLength
              + ", indexed "
              + length
              + ")");
    }
    int stored = littleInt(buf, HEADER_BYTES + length);
    int computed = maskedCrc32c(buf, HEADER_BYTES, length);
    if (stored != computed) {
      throw new DataFormatException(
          file,
          where
              + ": data CRC mismatch (stored 0x"
              + Integer.toHexString(stored)
              + ", computed 0x"
              + Integer.toHexString(computed)
              + "): the record's "
              + length
              + " data bytes are corrupt");
    }
    try {
      return Example.parseFrom(ByteBuffer.wrap(buf, HEADER_BYTES, length));
    } catch (InvalidProtocolBufferException e) {
      throw new DataFormatException(
          file, where + ": data is not a tf.train.Example: " + e.getMessage(), e);
    }
  }

  /** The stored label plus the offset, unchecked; -1 if unlabeled. */
  private int labelOf(Example ex, Path file, String where) {
    if (numClasses == 0) {
      return -1;
    }
    Feature f = ex.getFeatures().getFeatureMap().get(labelFeature);
    if (f == null
        || f.getKindCase() != Feature.KindCase.INT64_LIST
        || f.getInt64List().getValueCount() == 0) {
      throw new DataFormatException(file, where + ": " + missing(ex, labelFeature, "int64"));
    }
    long label = f.getInt64List().getValue(0) + labelOffset;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, label));
  }

  /**
   * The label as stored, without offset or range check, or null when the record has no int64 label
   * feature: what {@link TfRecordLabels} looks at.
   */
  Long rawLabel(int index) {
    Objects.checkIndex(index, offsets.length);
    int f = fileOf(index);
    Path file = files.get(f);
    Example ex = example(index, file, where(index - fileStarts[f], offsets[index]));
    Feature l = ex.getFeatures().getFeatureMap().get(labelFeature);
    if (l == null
        || l.getKindCase() != Feature.KindCase.INT64_LIST
        || l.getInt64List().getValueCount() == 0) {
      return null;
    }
    return l.getInt64List().getValue(0);
  }

  @Override
  String labelHint() {
    return " (stored label + label offset "
        + labelOffset
        + "): set --label-offset (0 for 0-based labels, -1 for "
        + "TF-slim's 1-based ImageNet labels) and --num-classes; in Java labelOffset(...) and numClasses(...)";
  }

  /**
   * How the label offset and class count were chosen when they were detected rather than given, for
   * the command line to print.
   *
   * @return the explanation, or empty when both were given
   */
  public Optional<String> labelNote() {
    return Optional.ofNullable(labelNote);
  }

  /**
   * Checks at open that record 0 has the expected features and label range, so that a layout
   * mismatch (wrong feature names, forgotten label offset) fails at once rather than after every
   * record has been skipped as bad. A record 0 that is merely corrupt is left to the normal read
   * path when bad images are skipped.
   */
  private void checkLayout() {
    Path file = files.get(fileOf(0));
    String where = where(0, offsets[0]);
    Example ex;
    try {
      ex = example(0, file, where);
    } catch (DataFormatException e) {
      if (skipBadImages()) {
        return;
      }
      throw e;
    }
    Feature img = ex.getFeatures().getFeatureMap().get(imageFeature);
    if (img == null || img.getKindCase() != Feature.KindCase.BYTES_LIST) {
      throw new DataFormatException(
          file,
          where
              + ": "
              + missing(ex, imageFeature, "bytes")
              + "; set --image-key (imageFeature(...) in Java) if the images are stored under another name");
    }
    if (numClasses > 0) {
      Feature lab = ex.getFeatures().getFeatureMap().get(labelFeature);
      if (lab == null || lab.getKindCase() != Feature.KindCase.INT64_LIST) {
        throw new DataFormatException(
            file,
            where
                + ": "
                + missing(ex, labelFeature, "int64")
                + "; set --label-key (labelFeature(...) in Java), or read it unlabeled (numClasses(0))");
      }
      checkLabel(labelOf(ex, file, where), file, where);
    }
  }

  private static String missing(Example ex, String key, String kind) {
    return "Example has no non-empty "
        + kind
        + " feature \""
        + key
        + "\" (it has: "
        + new TreeSet<>(ex.getFeatures().getFeatureMap().keySet())
        + ")";
  }

  @Override
  Encoded fetch(int index) {
    Objects.checkIndex(index, offsets.length);
    int f = fileOf(index);
    Path file = files.get(f);
    String where = where(index - fileStarts[f], offsets[index]);
    Example ex = example(index, file, where);
    Feature img = ex.getFeatures().getFeatureMap().get(imageFeature);
    if (img == null
        || img.getKindCase() != Feature.KindCase.BYTES_LIST
        || img.getBytesList().getValueCount() == 0) {
      throw new DataFormatException(file, where + ": " + missing(ex, imageFeature, "bytes"));
    }
    int label = labelOf(ex, file, where);
    return new Encoded(img.getBytesList().getValue(0).toByteArray(), label, file, where);
  }

  /** Reads and parses the record (without decoding the image) when the source is labeled. */
  @Override
  int storedLabel(int index) {
    Objects.checkIndex(index, offsets.length);
    if (numClasses == 0) {
      return -1;
    }
    int f = fileOf(index);
    Path file = files.get(f);
    String where = where(index - fileStarts[f], offsets[index]);
    return checkLabel(labelOf(example(index, file, where), file, where), file, where);
  }

  @Override
  Path origin() {
    return origin;
  }

  /**
   * The TFRecord files, in index order.
   *
   * @return an immutable list
   */
  public List<Path> files() {
    return files;
  }

  /** Returns {@code dir/glob}, or the file (and how many more) when opened from a list. */
  @Override
  public String name() {
    return name;
  }

  /** The number of records in all files. */
  @Override
  public int size() {
    return offsets.length;
  }

  /** The number given to {@link Builder#numClasses(int)}, 0 (unlabeled) by default. */
  @Override
  public int numClasses() {
    return numClasses;
  }

  /**
   * The offset added to every stored label.
   *
   * @return the offset, 0 unless set
   */
  public int labelOffset() {
    return labelOffset;
  }

  @Override
  public String toString() {
    return "TfRecordSource["
        + name
        + ", "
        + files.size()
        + " files, "
        + offsets.length
        + " records, "
        + (numClasses > 0 ? numClasses + " classes, label offset " + labelOffset : "unlabeled")
        + ", "
        + height()
        + "x"
        + width()
        + "x"
        + channels()
        + ", "
        + fit()
        + (skipBadImages() ? ", skipBadImages" : "")
        + "]";
  }

  /** Options for a {@link TfRecordSource}; see also {@link EncodedImageSource.Builder}. */
  public static final class Builder extends EncodedImageSource.Builder<TfRecordSource, Builder> {

    private final List<Path> files;
    private final Path dir;
    private final String glob;
    private String imageFeature = "image/encoded";
    private String labelFeature = "image/class/label";
    private int numClasses;
    private int labelOffset;
    private String labelNote;

    private Builder(List<Path> files, Path dir, String glob) {
      this.files = files;
      this.dir = dir;
      this.glob = glob;
    }

    /**
     * Makes the source labeled with {@code n} classes; labels (after the offset) must lie in {@code
     * [0, n)}. Default 0: unlabeled, the label feature is ignored.
     *
     * @param n the number of classes, {@code >= 0}
     * @return this builder
     */
    public Builder numClasses(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("numClasses must be >= 0, got " + n);
      }
      this.numClasses = n;
      return this;
    }

    /**
     * Added to every stored label; default 0 (labels as stored). Use -1 for the 1-based TF-slim
     * ImageNet labels.
     *
     * @param offset the offset
     * @return this builder
     */
    public Builder labelOffset(int offset) {
      this.labelOffset = offset;
      return this;
    }

    /**
     * The bytes feature holding the encoded image; default {@code image/encoded}.
     *
     * @param key the feature name
     * @return this builder
     */
    public Builder imageFeature(String key) {
      this.imageFeature = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * The int64 feature holding the label; default {@code image/class/label}.
     *
     * @param key the feature name
     * @return this builder
     */
    public Builder labelFeature(String key) {
      this.labelFeature = Objects.requireNonNull(key, "key");
      return this;
    }

    /** How the offset and class count were detected ({@link TfRecordLabels}). */
    Builder labelNote(String note) {
      this.labelNote = note;
      return this;
    }

    /**
     * Lists the files, indexes every record (reading only the 12-byte headers) and checks that
     * record 0 has the configured features.
     */
    @Override
    public TfRecordSource build() {
      checkComplete();
      return index(this);
    }
  }
}
