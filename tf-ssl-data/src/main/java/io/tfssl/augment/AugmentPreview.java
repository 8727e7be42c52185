package io.tfssl.augment;

import io.tfssl.data.ImageSource;
import io.tfssl.data.Normalization;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A picture of what the augmentation does: one row per image, the original followed by its two
 * views, produced by the same in-graph {@link Augmenter} the trainer uses (without the
 * normalization, so the pixels are viewable).
 */
public final class AugmentPreview {
  private AugmentPreview() {}

  /**
   * Writes a PNG grid of the first {@code rows} images of {@code source} and their two views.
   *
   * @param scale each pixel drawn as scale×scale (28-pixel images are hard to see otherwise)
   */
  public static void write(
      ImageSource source,
      ViewPolicy view1,
      ViewPolicy view2,
      int rows,
      int size,
      long seed,
      int scale,
      Path png) {
    int n = Math.min(rows, source.size());
    int h = source.height();
    int w = source.width();
    int c = source.channels();
    byte[] bytes = new byte[n * source.imageBytes()];
    for (int i = 0; i < n; i++) {
      source.readImage(i, bytes, i * source.imageBytes());
    }
    float[][] views = new float[2][];
    try (Graph g = new Graph();
        Session s = new Session(g);
        TUint8 images = TUint8.tensorOf(Shape.of(n, h, w, c), DataBuffers.of(bytes, true, false))) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> x =
          tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, h, w, c)));
      List<ViewPolicy> policies = List.of(view1, view2);
      Normalization identity = Normalization.identity();
      for (int v = 0; v < 2; v++) {
        Operand<TInt64> viewSeed = tf.constant(new long[] {seed, v});
        Operand<TFloat32> out =
            Augmenter.view(tf, x, viewSeed, policies.get(v), size, size, identity);
        try (Result r = s.runner().feed(x, images).fetch(out).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          views[v] = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(views[v], false, false));
        }
      }
    }
    int cell = Math.max(h, size) * scale;
    int gap = 2 * scale;
    BufferedImage grid =
        new BufferedImage(3 * cell + 4 * gap, n * cell + (n + 1) * gap, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < n; i++) {
      int y0 = gap + i * (cell + gap);
      draw(grid, gap, y0, scale, h, w, c, i, (k) -> (bytes[k] & 0xff) / 255f);
      final int row = i;
      for (int v = 0; v < 2; v++) {
        float[] data = views[v];
        draw(grid, gap + (v + 1) * (cell + gap), y0, scale, size, size, c, row, (k) -> data[k]);
      }
    }
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ImageIO.write(grid, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  private interface Pixel {
    float at(int flatIndex);
  }

  private static void draw(
      BufferedImage img, int x0, int y0, int scale, int h, int w, int c, int n, Pixel pixel) {
    int base = n * h * w * c;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int k = base + (y * w + x) * c;
        int r = clamp(pixel.at(k));
        int gr = c == 3 ? clamp(pixel.at(k + 1)) : r;
        int b = c == 3 ? clamp(pixel.at(k + 2)) : r;
        int rgb = (r << 16) | (gr << 8) | b;
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
          }
        }
      }
    }
  }

  private static int clamp(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
