package io.tfssl.augment;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Min;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Per-sample colour jitter in a per-sample random order, following BYOL's code (deepmind-research
 * {@code byol/utils/augmentations.py}, {@code color_transform} with {@code shuffle=True}) and BYOL
 * Appendix B / SimCLR Appendix A.
 *
 * <p>Stage definitions (each followed by a clip to [0, 1], as BYOL does):
 *
 * <ul>
 *   <li>brightness: <b>additive</b> delta {@code x + d}, {@code d ~ U[-b, b]} (BYOL / TF {@code
 *       random_brightness}; torchvision instead multiplies by {@code U[1-b, 1+b]});
 *   <li>contrast: {@code f (x - mean) + mean}, {@code f ~ U[1-c, 1+c]}, mean over H and W <i>per
 *       channel</i> (BYOL / TF {@code adjust_contrast}; torchvision uses the grayscale mean; the
 *       two coincide for one channel);
 *   <li>saturation: BYOL scales HSV saturation by {@code f ~ U[1-s, 1+s]} and clips it to [0, 1].
 *       Here the same result is computed without an HSV round trip: with {@code v = max_c x},
 *       {@code m = min_c x}, {@code x' = v - f' (v - x)}, {@code f' = min(f, v / (v - m))} (the min
 *       is the clip of s to 1). Verified against TF's {@code AdjustSaturation} in the tests;
 *   <li>hue: {@code RGB -> HSV}, {@code h' = (h + d) mod 1} with {@code d ~ U[-hue, hue]}, {@code
 *       HSV -> RGB} ({@code RgbToHsv}/{@code HsvToRgb}; no gradients are needed here).
 * </ul>
 *
 * <p>Random order in a static graph: every sample draws a permutation of the K active stages
 * ({@code TopK} of K uniforms). At position {@code i} the batch is split by the stage each sample
 * needs ({@code DynamicPartition}), each stage runs on its own sub-batch, and {@code DynamicStitch}
 * puts the samples back in place. Each sample goes through exactly K stages, so the cost is about
 * that of a fixed order plus two copies per position. (Computing all K stages for the whole batch
 * at every position and selecting per sample costs K&sup2; stages; it was measured 3-4x slower for
 * RGB.)
 *
 * <p>One-channel images: saturation and hue are no-ops, so only brightness and contrast (in random
 * order) are applied. Stages with strength 0 are left out of the graph.
 */
public final class ColorJitter {
  private ColorJitter() {}

  private enum Stage {
    BRIGHTNESS,
    CONTRAST,
    SATURATION,
    HUE
  }

  /**
   * Jitters each image of {@code x} ([N,H,W,C] in [0,1]) with probability {@code prob}.
   *
   * @return the jittered batch, clipped to [0, 1] (samples that are not jittered are unchanged)
   */
  public static Operand<TFloat32> apply(
      Ops tf,
      Operand<TFloat32> x,
      Operand<TInt64> seed,
      float prob,
      float brightness,
      float contrast,
      float saturation,
      float hue) {
    long c = PerSample.staticHwc(x)[2];
    boolean rgb = c == 3;
    List<Stage> stages = new ArrayList<>();
    List<Float> strength = new ArrayList<>();
    if (brightness > 0f) {
      stages.add(Stage.BRIGHTNESS);
      strength.add(brightness);
    }
    if (contrast > 0f) {
      stages.add(Stage.CONTRAST);
      strength.add(contrast);
    }
    if (rgb && saturation > 0f) {
      stages.add(Stage.SATURATION);
      strength.add(saturation);
    }
    if (rgb && hue > 0f) {
      stages.add(Stage.HUE);
      strength.add(hue);
    }
    int k = stages.size();
    if (prob <= 0f || k == 0) {
      return x;
    }
    // columns: 0 = apply coin, 1..k = stage parameters, k+1..2k = permutation keys
    Operand<TInt32> n = PerSample.batchSize(tf, x);
    Operand<TFloat32> u = PerSample.uniform(tf, seed, n, 1 + 2 * k);
    List<Operand<TFloat32>> cols = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      cols.add(param(tf, u, j, stages.get(j), strength.get(j)));
    }
    Operand<TFloat32> params = tf.stack(cols, org.tensorflow.op.core.Stack.axis(1L)); // [N,k]
    Operand<TFloat32> keys =
        tf.slice(u, tf.constant(new int[] {0, 1 + k}), tf.constant(new int[] {-1, k}));
    Operand<TInt32> order = randomOrder(tf, keys, k); // [N,k]
    // samples that are not jittered go to an extra partition k that no stage touches
    Operand<TBool> apply = prob >= 1f ? null : PerSample.coin(tf, PerSample.column(tf, u, 0), prob);
    int parts = apply == null ? k : k + 1;
    Operand<TInt32> index = tf.range(tf.constant(0), n, tf.constant(1));
    Operand<TFloat32> out = x;
    for (int pos = 0; pos < k; pos++) {
      // route each sample to the stage its permutation names at this position
      Operand<TInt32> which = PerSample.column(tf, order, pos);
      if (apply != null) {
        which = tf.select(apply, which, tf.constant(k));
      }
      List<Operand<TFloat32>> xs = partition(tf, out, which, parts);
      List<Operand<TFloat32>> ps = partition(tf, params, which, parts);
      List<Operand<TInt32>> ids = partition(tf, index, which, parts);
      List<Operand<TFloat32>> ys = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        Operand<TFloat32> pj = PerSample.perImage(tf, PerSample.column(tf, ps.get(j), j));
        ys.add(stage(tf, stages.get(j), xs.get(j), pj));
      }
      if (apply != null) {
        ys.add(xs.get(k));
      }
      out = tf.dynamicStitch(ids, ys);
    }
    return out;
  }

  /**
   * Per-row random permutation of {@code 0..k-1}: the arg-sort of {@code k} i.i.d. uniform keys per
   * row ({@code TopK}), which is a uniformly random permutation.
   */
  static Operand<TInt32> randomOrder(Ops tf, Operand<TFloat32> keys, int k) {
    return tf.nn.topK(keys, tf.constant(k), TInt32.class).indices();
  }

  /**
   * Per-sample parameter of stage j: delta ~ U[-s, s] (brightness, hue) or factor ~ U[1-s, 1+s].
   */
  private static Operand<TFloat32> param(Ops tf, Operand<TFloat32> u, int j, Stage st, float s) {
    Operand<TFloat32> uj = PerSample.column(tf, u, 1 + j);
    return (st == Stage.BRIGHTNESS || st == Stage.HUE)
        ? PerSample.lerp(tf, uj, -s, s)
        : PerSample.lerp(tf, uj, 1f - s, 1f + s);
  }

  private static <T extends org.tensorflow.types.family.TType> List<Operand<T>> partition(
      Ops tf, Operand<T> data, Operand<TInt32> which, int k) {
    List<Operand<T>> parts = new ArrayList<>();
    tf.dynamicPartition(data, which, (long) k).forEach(parts::add);
    return parts;
  }

  private static Operand<TFloat32> stage(
      Ops tf, Stage s, Operand<TFloat32> x, Operand<TFloat32> p) {
    Operand<TFloat32> y =
        switch (s) {
          case BRIGHTNESS -> tf.math.add(x, p);
          case CONTRAST -> adjustContrast(tf, x, p);
          case SATURATION -> adjustSaturation(tf, x, p);
          case HUE -> adjustHue(tf, x, p);
        };
    return PerSample.clip01(tf, y);
  }

  /** {@code f (x - mean) + mean}, mean per image and channel over H, W; f is [N,1,1,1]. */
  static Operand<TFloat32> adjustContrast(Ops tf, Operand<TFloat32> x, Operand<TFloat32> f) {
    Operand<TFloat32> mean = tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(true));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), f), mean);
  }

  /** HSV saturation scaling by f ([N,1,1,1]) with s clipped to 1, without an HSV round trip. */
  static Operand<TFloat32> adjustSaturation(Ops tf, Operand<TFloat32> x, Operand<TFloat32> f) {
    Operand<TInt32> ch = tf.constant(3);
    Operand<TFloat32> v = tf.max(x, ch, Max.keepDims(true));
    Operand<TFloat32> m = tf.min(x, ch, Min.keepDims(true));
    // 1/s = v/(v-m); divNoNan gives 0 for gray pixels, where v - x == 0 anyway
    Operand<TFloat32> fEff = tf.math.minimum(f, tf.math.divNoNan(v, tf.math.sub(v, m)));
    return tf.math.sub(v, tf.math.mul(fEff, tf.math.sub(v, x)));
  }

  /** Hue rotation by d turns ([N,1,1,1]) in HSV space. */
  static Operand<TFloat32> adjustHue(Ops tf, Operand<TFloat32> x, Operand<TFloat32> d) {
    Operand<TFloat32> hsv = tf.image.rgbToHsv(x);
    Split<TFloat32> parts = tf.split(tf.constant(3), hsv, 3L);
    Operand<TFloat32> h = tf.math.add(parts.output().get(0), d);
    h = tf.math.sub(h, tf.math.floor(h));
    return tf.image.hsvToRgb(
        tf.concat(List.of(h, parts.output().get(1), parts.output().get(2)), tf.constant(3)));
  }
}
