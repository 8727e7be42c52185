package io.tfssl.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * Two TFRecord files of ImageNet-layout Examples (8x8 noise PNGs, labels 1-based as TF-slim writes
 * them), opened by name with images decoded at their stored size, so pixels are exact.
 *
 * <p>Every TFRecord byte is covered by a CRC32C (the length by one, the data by another), so any
 * mutation of the stored bytes must be rejected, except truncation at a record boundary, which
 * leaves a valid shorter file (TFRecord has no record count). Mutations that re-frame a changed
 * record with valid CRCs reach the Example and image parsers instead: a label out of range or a
 * missing feature must be rejected, a changed PNG (itself CRC-protected) must be rejected or decode
 * to the original pixels, and a changed but valid label must be delivered.
 */
final class TfRecordFuzz implements FuzzFormat {

  private static final String[] NAMES = {"train-00000-of-00002", "train-00001-of-00002"};
  private static final int[] COUNTS = {3, 2};
  private static final int SIDE = 8;
  private static final int CLASSES = 1000;

  private final List<byte[]> pixels = new ArrayList<>();
  private final List<byte[]> pngs = new ArrayList<>();
  private final List<byte[]> payloads = new ArrayList<>();
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  TfRecordFuzz() {
    for (int i = 0; i < COUNTS[0] + COUNTS[1]; i++) {
      pixels.add(TestImages.noise(SIDE, SIDE, 3, 500 + i));
      pngs.add(TestImages.png(pixels.get(i), SIDE, SIDE, 3));
      payloads.add(TfRecordWriter.example(pngs.get(i), (long) i + 1).toByteArray());
    }
    files.put(NAMES[0], frames(payloads.subList(0, COUNTS[0])));
    files.put(NAMES[1], frames(payloads.subList(COUNTS[0], payloads.size())));
  }

  private static byte[] frames(List<byte[]> records) {
    byte[] out = new byte[0];
    for (byte[] r : records) {
      out = Mutations.concat(out, TfRecordWriter.frame(r));
    }
    return out;
  }

  @Override
  public String name() {
    return "tfrecord";
  }

  @Override
  public Map<String, byte[]> files() {
    return files;
  }

  @Override
  public Snapshot original() {
    return expect(new Mutation("none", "", Map.of())).load();
  }

  @Override
  public Mutation mutate(Random rnd) {
    int f = rnd.nextInt(NAMES.length);
    String name = NAMES[f];
    byte[] b = files.get(name);
    int first = f == 0 ? 0 : COUNTS[0];
    int k = rnd.nextInt(COUNTS[f]);
    int offset = offsetOf(first, first + k);
    int length = payloads.get(first + k).length;
    return switch (rnd.nextInt(11)) {
      case 0 -> Mutations.truncate(rnd, name, b);
      case 1 -> Mutations.truncateTo(name, b, offset);
      case 2 -> Mutations.flip(rnd, name, b);
      case 3 -> Mutations.flip(rnd, name, b, offset, offset + 12);
      case 4 -> Mutations.flip(rnd, name, b, offset + 12 + length, offset + 16 + length);
      case 5 -> wrongLength(rnd, name, b, offset, length);
      case 6 -> Mutations.append(rnd, name, b, 64);
      case 7 -> Mutations.empty(name);
      case 8 -> {
        Mutation flip = Mutations.flip(rnd, name, payloads.get(first + k));
        yield reframed(
            "payload",
            name,
            f,
            k,
            flip.files().get(name),
            "Example " + flip.description().substring(name.length() + 2));
      }
      case 9 -> relabeled(rnd, name, f, k);
      default -> repng(rnd, name, f, k);
    };
  }

  private int offsetOf(int from, int to) {
    int off = 0;
    for (int i = from; i < to; i++) {
      off += 16 + payloads.get(i).length;
    }
    return off;
  }

  /** A wrong record length with a matching length CRC: the framing itself must catch it. */
  private static Mutation wrongLength(Random rnd, String name, byte[] b, int offset, int length) {
    long[] values = {0, length - 1L, length + 1L, rnd.nextInt(2 * length + 32), 1L << 40, -1L};
    long value = values[rnd.nextInt(values.length)];
    byte[] out = b.clone();
    ByteBuffer.wrap(out)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(offset, value)
        .putInt(offset + 8, TfRecordWriter.masked(out, offset, 8));
    return Mutation.of(
        "length",
        name,
        "record at byte offset "
            + offset
            + ": length "
            + length
            + " set to "
            + value
            + " with a valid length CRC",
        out);
  }

  /** File {@code f} with its record {@code k} replaced by {@code payload}, all CRCs valid. */
  private Mutation reframed(String kind, String name, int f, int k, byte[] payload, String what) {
    int first = f == 0 ? 0 : COUNTS[0];
    List<byte[]> records = new ArrayList<>(payloads.subList(first, first + COUNTS[f]));
    records.set(k, payload);
    return Mutation.of(
        kind, name, "record " + k + ": " + what + ", re-framed with valid CRCs", frames(records));
  }

  private Mutation relabeled(Random rnd, String name, int f, int k) {
    long[] labels = {0, CLASSES + 1, -5, 1 + rnd.nextInt(CLASSES), Long.MAX_VALUE, Long.MIN_VALUE};
    long label = labels[rnd.nextInt(labels.length)];
    int i = (f == 0 ? 0 : COUNTS[0]) + k;
    return reframed(
        "label",
        name,
        f,
        k,
        TfRecordWriter.example(pngs.get(i), label).toByteArray(),
        "stored label set to " + label);
  }

  private Mutation repng(Random rnd, String name, int f, int k) {
    int i = (f == 0 ? 0 : COUNTS[0]) + k;
    byte[] png = pngs.get(i);
    Mutation m =
        switch (rnd.nextInt(3)) {
          case 0 -> Mutations.truncate(rnd, name, png);
          case 1 -> Mutations.flip(rnd, name, png);
          default -> Mutations.append(rnd, name, png, 32);
        };
    return reframed(
        "png",
        name,
        f,
        k,
        TfRecordWriter.example(m.files().get(name), (long) i + 1).toByteArray(),
        "PNG " + m.description().substring(name.length() + 2));
  }

  /** The TFRecord framing and the ImageNet Example layout. */
  @Override
  public Expect expect(Mutation m) {
    List<Integer> labels = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    boolean mayReject = false;
    for (String name : NAMES) {
      List<byte[]> records = records(m.content(name, files.get(name)));
      if (records == null) {
        return Expect.reject(name);
      }
      for (byte[] data : records) {
        int position = labels.size();
        int known = indexOf(payloads, data);
        if (known >= 0) {
          labels.add(known);
          images.add(pixels.get(known));
          continue;
        }
        Example ex;
        try {
          ex = Example.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
          return Expect.reject(name);
        }
        Feature img = ex.getFeatures().getFeatureMap().get("image/encoded");
        Feature lab = ex.getFeatures().getFeatureMap().get("image/class/label");
        if (img == null
            || !img.hasBytesList()
            || img.getBytesList().getValueCount() == 0
            || lab == null
            || !lab.hasInt64List()
            || lab.getInt64List().getValueCount() == 0) {
          return Expect.reject(name);
        }
        long label = lab.getInt64List().getValue(0) - 1;
        if (label < 0 || label >= CLASSES) {
          return Expect.reject(name);
        }
        labels.add((int) label);
        // a changed PNG fails its own CRCs, else it is the one that was there
        int png = indexOf(pngs, img.getBytesList().getValue(0).toByteArray());
        mayReject |= png < 0;
        images.add(pixels.get(png >= 0 ? png : position));
      }
    }
    Snapshot expected =
        new Snapshot(
            SIDE,
            SIDE,
            3,
            CLASSES,
            labels.stream().mapToInt(Integer::intValue).toArray(),
            null,
            images.toArray(byte[][]::new));
    return mayReject
        ? Expect.rejectOr(expected, m.files().keySet().toArray(String[]::new))
        : Expect.load(expected);
  }

  /** The data of each record of a TFRecord file, or null if its framing or a CRC is wrong. */
  private static List<byte[]> records(byte[] b) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 0;
    while (pos < b.length) {
      if (b.length - pos < 12 || buf.getInt(pos + 8) != TfRecordWriter.masked(b, pos, 8)) {
        return null;
      }
      long length = buf.getLong(pos);
      if (length < 0 || length > b.length - pos - 16) {
        return null;
      }
      int end = pos + 12 + (int) length;
      if (buf.getInt(end) != TfRecordWriter.masked(b, pos + 12, (int) length)) {
        return null;
      }
      out.add(Arrays.copyOfRange(b, pos + 12, end));
      pos = end + 4;
    }
    return out;
  }

  private static int indexOf(List<byte[]> list, byte[] b) {
    for (int i = 0; i < list.size(); i++) {
      if (Arrays.equals(list.get(i), b)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Snapshot read(Path dir) throws Exception {
    // the TF-slim numbering given, as the model above assumes (detection has its own tests)
    TfRecordLayout slim =
        new TfRecordLayout(TfRecordLayout.IMAGE_KEY, TfRecordLayout.LABEL_KEY, -1, CLASSES);
    ImageSource s =
        Datasets.open("tfrecord", dir, Split.TRAIN, new Datasets.Options(SIDE, false, slim));
    try {
      return Snapshot.of(s);
    } finally {
      Sources.close(s);
    }
  }
}
