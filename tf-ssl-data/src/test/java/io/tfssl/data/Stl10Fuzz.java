package io.tfssl.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * STL-10 as pretraining reads it: train images and labels, then the unlabeled images.
 *
 * <p>The labeled images file must hold exactly one image per label; the unlabeled file, with
 * nothing to compare against, any whole number of images (so cutting it at an image boundary must
 * load the images left). Labels are 1..10 on disk, 0..9 in memory; any other byte, such as a 0 from
 * a file written 0-based, must be refused.
 */
final class Stl10Fuzz implements FuzzFormat {

  private static final String TRAIN_X = "train_X.bin";
  private static final String TRAIN_Y = "train_y.bin";
  private static final String UNLABELED_X = "unlabeled_X.bin";
  private static final int SIDE = 96;
  private static final int PLANE = SIDE * SIDE;
  private static final int IMAGE_BYTES = Stl10Writer.IMAGE_BYTES;

  private final Map<String, byte[]> files = new LinkedHashMap<>();

  Stl10Fuzz(Path scratch) {
    try {
      files.put(TRAIN_X, Files.readAllBytes(Stl10Writer.images(scratch.resolve(TRAIN_X), 0, 2)));
      files.put(TRAIN_Y, Files.readAllBytes(Stl10Writer.labels(scratch.resolve(TRAIN_Y), 1, 7)));
      files.put(
          UNLABELED_X, Files.readAllBytes(Stl10Writer.images(scratch.resolve(UNLABELED_X), 20, 2)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return "stl10";
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
    if (name.equals(TRAIN_Y)) {
      return switch (rnd.nextInt(5)) {
        case 0 -> Mutations.truncate(rnd, name, b);
        case 1 -> Mutations.flip(rnd, name, b);
        case 2 -> Mutations.append(rnd, name, b, 3);
        case 3 -> Mutations.empty(name);
        default -> zeroBased(b);
      };
    }
    return switch (rnd.nextInt(6)) {
      case 0 -> Mutations.truncate(rnd, name, b);
      case 1 -> Mutations.truncateTo(name, b, IMAGE_BYTES * rnd.nextInt(b.length / IMAGE_BYTES));
      case 2 -> Mutations.flip(rnd, name, b);
      case 3 -> Mutations.append(rnd, name, b, 64);
      case 4 ->
          Mutation.of(
              "append-image",
              name,
              "appended a noise image",
              Mutations.concat(b, Mutations.random(rnd, IMAGE_BYTES)));
      default -> Mutations.empty(name);
    };
  }

  private static Mutation zeroBased(byte[] labels) {
    byte[] out = labels.clone();
    for (int i = 0; i < out.length; i++) {
      out[i]--;
    }
    return Mutation.of("label", TRAIN_Y, "labels written 0-based", out);
  }

  /** STL-10's binary format: labels 1..10, one labeled image per label, whole images. */
  @Override
  public Expect expect(Mutation m) {
    byte[] y = m.content(TRAIN_Y, files.get(TRAIN_Y));
    byte[] x = m.content(TRAIN_X, files.get(TRAIN_X));
    byte[] u = m.content(UNLABELED_X, files.get(UNLABELED_X));
    if (y.length == 0) {
      return Expect.reject(TRAIN_Y);
    }
    for (byte label : y) {
      if (label < 1 || label > 10) {
        return Expect.reject(TRAIN_Y);
      }
    }
    if (x.length != (long) y.length * IMAGE_BYTES) {
      // the error is about the images file and names the labels file it disagrees with
      return Expect.reject(TRAIN_X, TRAIN_Y);
    }
    if (u.length == 0 || u.length % IMAGE_BYTES != 0) {
      return Expect.reject(UNLABELED_X);
    }
    int n = y.length + u.length / IMAGE_BYTES;
    int[] labels = new int[n];
    byte[][] images = new byte[n][];
    for (int i = 0; i < n; i++) {
      boolean labeled = i < y.length;
      labels[i] = labeled ? y[i] - 1 : -1;
      images[i] = hwc(labeled ? x : u, (labeled ? i : i - y.length) * IMAGE_BYTES);
    }
    return Expect.load(new Snapshot(SIDE, SIDE, 3, 10, labels, null, images));
  }

  /** Channel-planar, column-major (MATLAB order) to HWC. */
  private static byte[] hwc(byte[] file, int from) {
    byte[] out = new byte[IMAGE_BYTES];
    for (int c = 0; c < 3; c++) {
      for (int x = 0; x < SIDE; x++) {
        for (int y = 0; y < SIDE; y++) {
          out[(y * SIDE + x) * 3 + c] = file[from + c * PLANE + x * SIDE + y];
        }
      }
    }
    return out;
  }

  @Override
  public Snapshot read(Path dir) throws Exception {
    ImageSource s = Datasets.pretraining("stl10", dir, Datasets.Options.defaults());
    try {
      return Snapshot.of(s);
    } finally {
      Sources.close(s);
    }
  }
}
