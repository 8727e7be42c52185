package io.tfssl.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * MNIST-style IDX files, raw or gzipped, opened as the {@code mnist} data set (10 classes).
 *
 * <p>Raw files are mutated directly; gzipped ones either in their content (then compressed again,
 * so the model below judges the content) or in their compressed bytes. A change to the compressed
 * bytes is caught by gzip's CRC-32 and length trailer, except in fields gzip ignores (modification
 * time, OS byte) or in bytes after the stream: so a mutated gzip file is rejected or yields exactly
 * the original data, and a truncated one is always rejected.
 */
final class IdxFuzz implements FuzzFormat {

  private static final String IMAGES = "train-images-idx3-ubyte";
  private static final String LABELS = "train-labels-idx1-ubyte";
  private static final int N = 6;
  private static final int ROWS = 4;
  private static final int COLS = 3;
  private static final int CLASSES = 10;

  private final boolean gzip;
  private final byte[] images =
      IdxWriter.images(N, ROWS, COLS, IdxWriter.pixels(N * ROWS * COLS, 3));
  private final byte[] labels = IdxWriter.labels(new byte[] {3, 9, 0, 7, 9, 1});

  private final Map<String, byte[]> files = new LinkedHashMap<>();

  IdxFuzz(boolean gzip) {
    this.gzip = gzip;
    files.put(fileName(IMAGES), gzip ? gzip(images) : images);
    files.put(fileName(LABELS), gzip ? gzip(labels) : labels);
  }

  @Override
  public String name() {
    return gzip ? "mnist idx.gz" : "mnist idx";
  }

  private String fileName(String base) {
    return gzip ? base + ".gz" : base;
  }

  @Override
  public Map<String, byte[]> files() {
    return files;
  }

  @Override
  public Snapshot original() {
    return model(images, labels).load();
  }

  @Override
  public Mutation mutate(Random rnd) {
    boolean ofImages = rnd.nextBoolean();
    String base = ofImages ? IMAGES : LABELS;
    if (gzip && rnd.nextInt(3) == 0) {
      return compressedMutation(rnd, fileName(base));
    }
    Mutation m = contentMutation(rnd, base, ofImages ? images : labels, ofImages ? 3 : 1);
    if (!gzip) {
      return m;
    }
    Map<String, byte[]> zipped = new LinkedHashMap<>();
    m.files().forEach((name, content) -> zipped.put(fileName(name), gzip(content)));
    return new Mutation(m.kind(), m.description() + ", gzipped", zipped);
  }

  private Mutation contentMutation(Random rnd, String name, byte[] bytes, int dims) {
    int header = 4 + 4 * dims;
    return switch (rnd.nextInt(9)) {
      case 0 -> Mutations.truncate(rnd, name, bytes);
      case 1 -> Mutations.flip(rnd, name, bytes, 0, header);
      case 2 -> Mutations.flip(rnd, name, bytes, header, bytes.length);
      case 3 -> Mutations.flip(rnd, name, bytes);
      case 4 -> Mutations.append(rnd, name, bytes, 32);
      case 5 -> Mutations.empty(name);
      case 6 -> headerField(rnd, name, bytes, dims);
      case 7 -> labelValue(rnd);
      default -> consistentReshape(rnd);
    };
  }

  /** Sets the magic number or one dimension to a wrong value, keeping the data as it is. */
  private static Mutation headerField(Random rnd, String name, byte[] bytes, int dims) {
    int field = rnd.nextInt(dims + 1);
    int offset = 4 * field;
    int old = Mutations.bigEndianInt(bytes, offset);
    int value;
    if (field == 0) {
      // float data, a wrong dimension count, a little-endian writer, or noise
      int[] magics = {
        0x00000D03,
        0x00000800 | (dims == 3 ? 1 : 3),
        0x00000804,
        Integer.reverseBytes(old),
        rnd.nextInt()
      };
      value = magics[rnd.nextInt(magics.length)];
    } else {
      // the largest count whose data the loader would agree to hold in memory, to catch
      // allocating what the header claims before checking the file has that much
      long others = dims == 3 ? (long) N * ROWS * COLS / old : 1;
      int huge = (int) ((Integer.MAX_VALUE - 8) / others);
      int[] values = {0, -1, old + 1, old - 1, old * 2, Integer.MAX_VALUE, rnd.nextInt()};
      value = rnd.nextInt(3) == 0 ? huge : values[rnd.nextInt(values.length)];
    }
    if (value == old) {
      value = old + 1;
    }
    byte[] out = bytes.clone();
    Mutations.putBigEndianInt(out, offset, value);
    return Mutation.of(
        "header", name, String.format("header field %d set from %d to %d", field, old, value), out);
  }

  /** One label set to a random byte: 0..9 is a valid MNIST label, the rest must be refused. */
  private Mutation labelValue(Random rnd) {
    int i = rnd.nextInt(N);
    int value = rnd.nextBoolean() ? rnd.nextInt(CLASSES) : CLASSES + rnd.nextInt(256 - CLASSES);
    byte[] out = labels.clone();
    out[8 + i] = (byte) value;
    return Mutation.of("label", LABELS, "label " + i + " set to " + value, out);
  }

  /** Header changes that keep the files consistent: the data must follow the new header. */
  private Mutation consistentReshape(Random rnd) {
    if (rnd.nextBoolean()) {
      byte[] out = images.clone();
      Mutations.putBigEndianInt(out, 8, COLS);
      Mutations.putBigEndianInt(out, 12, ROWS);
      return Mutation.of("reshape", IMAGES, "rows and columns swapped in the header", out);
    }
    // both files one image shorter, or only one of them (then the counts disagree)
    int which = rnd.nextInt(3);
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (which != 2) {
      byte[] img = Arrays.copyOf(images, images.length - ROWS * COLS);
      Mutations.putBigEndianInt(img, 4, N - 1);
      files.put(IMAGES, img);
    }
    if (which != 1) {
      byte[] lab = Arrays.copyOf(labels, labels.length - 1);
      Mutations.putBigEndianInt(lab, 4, N - 1);
      files.put(LABELS, lab);
    }
    return new Mutation(
        "reshape",
        String.join(" and ", files.keySet()) + ": last image dropped, header count " + (N - 1),
        files);
  }

  private Mutation compressedMutation(Random rnd, String name) {
    byte[] gz = files.get(name);
    Mutation m =
        switch (rnd.nextInt(4)) {
          case 0 -> Mutations.truncate(rnd, name, gz);
          case 1 -> Mutations.flip(rnd, name, gz);
          case 2 -> Mutations.append(rnd, name, gz, 32);
          default -> Mutations.empty(name);
        };
    return new Mutation("gz-" + m.kind(), m.description() + " (compressed bytes)", m.files());
  }

  @Override
  public Expect expect(Mutation m) {
    if (m.kind().startsWith("gz-")) {
      String name = m.files().keySet().iterator().next();
      boolean mustFail = m.kind().equals("gz-truncate") || m.kind().equals("gz-empty");
      return mustFail ? Expect.reject(name) : Expect.rejectOr(original(), name);
    }
    byte[] img =
        m.files().containsKey(fileName(IMAGES)) ? content(m.files().get(fileName(IMAGES))) : images;
    byte[] lab =
        m.files().containsKey(fileName(LABELS)) ? content(m.files().get(fileName(LABELS))) : labels;
    return model(img, lab);
  }

  private byte[] content(byte[] file) {
    return gzip ? gunzip(file) : file;
  }

  /**
   * The IDX specification: what a pair of raw images and labels files must be rejected for, or
   * holds.
   */
  private Expect model(byte[] img, byte[] lab) {
    String imgName = fileName(IMAGES);
    String labName = fileName(LABELS);
    int[] imgDims = dims(img, 3);
    if (imgDims == null) {
      return Expect.reject(imgName);
    }
    int[] labDims = dims(lab, 1);
    if (labDims == null) {
      return Expect.reject(labName);
    }
    if (labDims[0] != imgDims[0]) {
      return Expect.reject(imgName, labName);
    }
    int n = imgDims[0];
    int[] l = new int[n];
    byte[][] im = new byte[n][];
    int bytes = imgDims[1] * imgDims[2];
    for (int i = 0; i < n; i++) {
      l[i] = lab[8 + i] & 0xff;
      if (l[i] >= CLASSES) {
        return Expect.reject(labName);
      }
      im[i] = Arrays.copyOfRange(img, 16 + i * bytes, 16 + (i + 1) * bytes);
    }
    return Expect.load(new Snapshot(imgDims[1], imgDims[2], 1, CLASSES, l, null, im));
  }

  /**
   * The dimensions of an unsigned-byte IDX file with {@code n} dimensions, or null if it is not
   * one.
   */
  private static int[] dims(byte[] b, int n) {
    int header = 4 + 4 * n;
    if (b.length < header || Mutations.bigEndianInt(b, 0) != (0x0800 | n)) {
      return null;
    }
    int[] dims = new int[n];
    long product = 1;
    for (int i = 0; i < n; i++) {
      dims[i] = Mutations.bigEndianInt(b, 4 + 4 * i);
      if (dims[i] <= 0) {
        return null;
      }
      product *= dims[i];
      if (product > b.length) {
        return null;
      }
    }
    return b.length == header + product ? dims : null;
  }

  @Override
  public Snapshot read(Path dir) {
    return Snapshot.of(Datasets.open("mnist", dir, Split.TRAIN, Datasets.Options.defaults()));
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Only for files this class compressed itself, never for mutated compressed bytes. */
  private static byte[] gunzip(byte[] gz) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
