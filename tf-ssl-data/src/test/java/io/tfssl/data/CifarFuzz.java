package io.tfssl.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CIFAR-10 (five train batches) or CIFAR-100 (one train file), opened by name.
 *
 * <p>CIFAR files have no header, so a file cut or extended by whole records is indistinguishable
 * from a smaller or larger valid file and must load what it holds; anything else that changes a
 * file's size must be rejected, and so must a label byte outside the class range (a silently
 * accepted label 200 would only show up as a wrong probe accuracy).
 */
final class CifarFuzz implements FuzzFormat {

  private static final int PLANE = 32 * 32;

  private final boolean hundred;
  private final int labelBytes;
  private final int recordBytes;
  private final int classes;
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  CifarFuzz(boolean hundred) {
    this.hundred = hundred;
    this.labelBytes = hundred ? 2 : 1;
    this.recordBytes = labelBytes + 3 * PLANE;
    this.classes = hundred ? 100 : 10;
    if (hundred) {
      files.put(
          "train.bin",
          CifarWriter.concat(
              CifarWriter.record100(0, 19, 99),
              CifarWriter.record100(1, 0, 0),
              CifarWriter.record100(2, 7, 42),
              CifarWriter.record100(3, 12, 57)));
    } else {
      int[] counts = {2, 1, 1, 2, 1};
      int image = 0;
      for (int f = 0; f < counts.length; f++) {
        byte[][] records = new byte[counts[f]][];
        for (int r = 0; r < counts[f]; r++, image++) {
          records[r] = CifarWriter.record10(image, image * 3 % 10);
        }
        files.put("data_batch_" + (f + 1) + ".bin", CifarWriter.concat(records));
      }
    }
  }

  @Override
  public String name() {
    return hundred ? "cifar100" : "cifar10";
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
    List<String> names = new ArrayList<>(files.keySet());
    String name = names.get(rnd.nextInt(names.size()));
    byte[] b = files.get(name);
    int records = b.length / recordBytes;
    return switch (rnd.nextInt(8)) {
      case 0 -> Mutations.truncate(rnd, name, b);
      case 1 -> Mutations.truncateTo(name, b, rnd.nextInt(records) * recordBytes);
      case 2 -> flipLabels(rnd, name, b, records);
      case 3 -> Mutations.flip(rnd, name, b);
      case 4 -> Mutations.append(rnd, name, b, 64);
      case 5 -> appendRecord(rnd, name, b);
      case 6 -> Mutations.empty(name);
      default -> otherVariant(name, b, records);
    };
  }

  /** Sets label bytes to random values, valid or not. */
  private Mutation flipLabels(Random rnd, String name, byte[] b, int records) {
    byte[] out = b.clone();
    StringBuilder what = new StringBuilder("label bytes set:");
    for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
      int at = rnd.nextInt(records) * recordBytes + rnd.nextInt(labelBytes);
      out[at] = (byte) (rnd.nextBoolean() ? rnd.nextInt(classes) : rnd.nextInt(256));
      what.append(" byte ").append(at).append(" = ").append(out[at] & 0xff);
    }
    return Mutation.of("label", name, what.toString(), out);
  }

  /** One more record of noise, its label byte(s) in range half of the time. */
  private Mutation appendRecord(Random rnd, String name, byte[] b) {
    byte[] record = Mutations.random(rnd, recordBytes);
    if (rnd.nextBoolean()) {
      record[0] = (byte) rnd.nextInt(hundred ? 20 : classes);
      record[labelBytes - 1] = (byte) rnd.nextInt(classes);
    }
    return Mutation.of(
        "append-record",
        name,
        "appended a noise record with label byte(s) "
            + (record[0] & 0xff)
            + "/"
            + (record[labelBytes - 1] & 0xff),
        Mutations.concat(b, record));
  }

  /** The records rewritten in the other CIFAR variant's layout: one label byte more or fewer. */
  private Mutation otherVariant(String name, byte[] b, int records) {
    int otherLabels = hundred ? 1 : 2;
    int otherRecord = otherLabels + 3 * PLANE;
    byte[] out = new byte[records * otherRecord];
    for (int r = 0; r < records; r++) {
      System.arraycopy(
          b, r * recordBytes + labelBytes, out, r * otherRecord + otherLabels, 3 * PLANE);
    }
    return Mutation.of(
        "other-variant", name, "rewritten with " + otherRecord + "-byte records", out);
  }

  /** The CIFAR binary format: whole records, label bytes in range, planar pixels. */
  @Override
  public Expect expect(Mutation m) {
    List<Integer> fine = new ArrayList<>();
    List<Integer> coarse = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String name = file.getKey();
      byte[] b = m.content(name, file.getValue());
      if (b.length == 0 || b.length % recordBytes != 0) {
        return Expect.reject(name);
      }
      for (int at = 0; at < b.length; at += recordBytes) {
        int c = b[at] & 0xff;
        int f = b[at + labelBytes - 1] & 0xff;
        if ((hundred && c >= 20) || f >= classes) {
          return Expect.reject(name);
        }
        coarse.add(c);
        fine.add(f);
        images.add(hwc(b, at + labelBytes));
      }
    }
    int[] coarseLabels = hundred ? coarse.stream().mapToInt(Integer::intValue).toArray() : null;
    return Expect.load(
        new Snapshot(
            32,
            32,
            3,
            classes,
            fine.stream().mapToInt(Integer::intValue).toArray(),
            coarseLabels,
            images.toArray(byte[][]::new)));
  }

  /** Channel-planar (all R, all G, all B, each row-major) to HWC. */
  private static byte[] hwc(byte[] planar, int from) {
    byte[] out = new byte[3 * PLANE];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < PLANE; p++) {
        out[p * 3 + c] = planar[from + c * PLANE + p];
      }
    }
    return out;
  }

  @Override
  public Snapshot read(Path dir) {
    ImageSource s = Datasets.open(name(), dir, Split.TRAIN, Datasets.Options.defaults());
    if (!hundred) {
      return Snapshot.of(s);
    }
    CifarSource c = (CifarSource) s;
    int[] coarse = new int[c.size()];
    for (int i = 0; i < coarse.length; i++) {
      coarse[i] = c.coarseLabel(i);
    }
    return Snapshot.of(c, coarse);
  }
}
