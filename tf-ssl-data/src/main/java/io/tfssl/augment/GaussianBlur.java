package io.tfssl.augment;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Per-sample Gaussian blur with a per-sample sigma, for the whole batch in two depthwise
 * convolutions (BYOL Appendix B: p = 1.0 / 0.1, sigma ~ U[0.1, 2.0], kernel 10% of the side; SimCLR
 * Appendix A).
 *
 * <p>How: the separable 1-D kernel {@code w_j ∝ exp(-j² / 2σ²)}, {@code j = -r..r}, is built per
 * sample ({@code [N, k]}). When {@code p < 1} only the chosen samples are blurred ({@code
 * DynamicPartition} / {@code DynamicStitch}); the others are exact copies. The batch is laid out as
 * one image with {@code N*C} channels ({@code [N,H,W,C] -> [1,H,W,N*C]}), so one {@code
 * DepthwiseConv2dNative} with a {@code [k,1,N*C,1]} filter and one with {@code [1,k,N*C,1]} blur
 * every sample with its own sigma.
 *
 * <p>Padding: reflect (as {@code MirrorPad REFLECT}, done by two {@code Gather}s; then VALID
 * convolutions), so a constant image stays constant and borders are not darkened. BYOL's JAX code
 * uses zero ('SAME') padding, which darkens borders; torchvision's {@code GaussianBlur} reflects,
 * as here.
 *
 * <p>Kernel size: radius {@code r = max(1, floor(fraction * side / 2))}, size {@code 2r+1} (BYOL:
 * {@code int(side / 10 / 2)}), capped so the reflection fits the image.
 */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** Kernel radius for an image side and a kernel fraction (see class doc). */
  public static int kernelRadius(long side, float fraction) {
    int r = Math.max(1, (int) Math.floor(fraction * side / 2.0));
    return (int) Math.min(r, Math.max(1, side - 1));
  }

  /**
   * Blurs each image of {@code x} ([N,H,W,C], static H, W, C; H, W &ge; 2) with probability {@code
   * prob} and sigma {@code ~ U[sigmaMin, sigmaMax]} (in pixels).
   */
  public static Operand<TFloat32> apply(
      Ops tf,
      Operand<TFloat32> x,
      Operand<TInt64> seed,
      float prob,
      float sigmaMin,
      float sigmaMax,
      float kernelFraction) {
    if (prob <= 0f) {
      return x;
    }
    long[] hwc = PerSample.staticHwc(x);
    long h = hwc[0];
    long w = hwc[1];
    long c = hwc[2];
    if (h < 2 || w < 2) {
      return x;
    }
    int r = Math.min(kernelRadius(h, kernelFraction), kernelRadius(w, kernelFraction));
    Operand<TInt32> n = PerSample.batchSize(tf, x);
    Operand<TFloat32> u = PerSample.uniform(tf, seed, n, 2);
    Operand<TFloat32> sigma = PerSample.lerp(tf, PerSample.column(tf, u, 1), sigmaMin, sigmaMax);
    if (prob >= 1f) {
      return blurAll(tf, x, sigma, h, w, c, r);
    }
    // only the chosen samples are blurred: partition them out, blur, stitch back (exact copies
    // for the others; saves most of the work for BYOL view 2, p = 0.1)
    Operand<TInt32> chosen =
        tf.dtypes.cast(PerSample.coin(tf, PerSample.column(tf, u, 0), prob), TInt32.class);
    Operand<TInt32> index = tf.range(tf.constant(0), n, tf.constant(1));
    List<Operand<TFloat32>> xs = new ArrayList<>();
    List<Operand<TInt32>> ids = new ArrayList<>();
    tf.dynamicPartition(x, chosen, 2L).forEach(xs::add);
    tf.dynamicPartition(index, chosen, 2L).forEach(ids::add);
    Operand<TFloat32> sig = tf.dynamicPartition(sigma, chosen, 2L).outputs().get(1);
    Operand<TFloat32> blurred = blurAll(tf, xs.get(1), sig, h, w, c, r);
    return tf.dynamicStitch(ids, List.of(xs.get(0), blurred));
  }

  /**
   * Blurs every image of {@code x} ([M,H,W,C], M may be 0) with its own sigma ({@code [M]}).
   *
   * <p>One blank image is appended and dropped again afterwards: with M = 0 the depthwise filter
   * would have no elements, which TF's oneDNN kernel rejects (the Eigen kernel accepts it).
   */
  private static Operand<TFloat32> blurAll(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> sigma, long h, long w, long c, int r) {
    Operand<TInt32> m = PerSample.batchSize(tf, x);
    Operand<TFloat32> blank =
        tf.zeros(tf.constant(new int[] {1, (int) h, (int) w, (int) c}), TFloat32.class);
    Operand<TFloat32> padded = tf.concat(List.of(x, blank), tf.constant(0));
    Operand<TFloat32> paddedSigma =
        tf.concat(List.of(sigma, tf.constant(new float[] {1f})), tf.constant(0));
    Operand<TFloat32> blurred = blurNonEmpty(tf, padded, paddedSigma, h, w, c, r);
    return tf.slice(
        blurred,
        tf.constant(new int[] {0, 0, 0, 0}),
        tf.stack(List.of(m, tf.constant(-1), tf.constant(-1), tf.constant(-1))));
  }

  private static Operand<TFloat32> blurNonEmpty(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> sigma, long h, long w, long c, int r) {
    int k = 2 * r + 1;
    Operand<TFloat32> kernel = kernels(tf, sigma, r);

    // [M,H,W,C] -> [H,W,M,C] -> [1,H,W,M*C]
    Operand<TFloat32> t =
        tf.reshape(
            tf.linalg.transpose(x, tf.constant(new int[] {1, 2, 0, 3})),
            tf.constant(new int[] {1, (int) h, (int) w, -1}));
    t = tf.gather(t, tf.constant(reflectIndex(h, r)), tf.constant(1));
    t = tf.gather(t, tf.constant(reflectIndex(w, r)), tf.constant(2));

    // per-sample kernels [M,k] -> per-channel [M*C, k] -> [k, M*C]
    Operand<TFloat32> perChannel = kernel;
    if (c > 1) {
      perChannel =
          tf.reshape(
              tf.tile(
                  tf.expandDims(kernel, tf.constant(1)), tf.constant(new int[] {1, (int) c, 1})),
              tf.constant(new int[] {-1, k}));
    }
    Operand<TFloat32> kt = tf.linalg.transpose(perChannel, tf.constant(new int[] {1, 0}));
    Operand<TFloat32> fv = tf.reshape(kt, tf.constant(new int[] {k, 1, -1, 1}));
    Operand<TFloat32> fh = tf.reshape(kt, tf.constant(new int[] {1, k, -1, 1}));
    List<Long> strides = List.of(1L, 1L, 1L, 1L);
    t = tf.nn.depthwiseConv2dNative(t, fv, strides, "VALID");
    t = tf.nn.depthwiseConv2dNative(t, fh, strides, "VALID");

    // [1,H,W,M*C] -> [H,W,M,C] -> [M,H,W,C]
    t = tf.reshape(t, tf.constant(new int[] {(int) h, (int) w, -1, (int) c}));
    return tf.linalg.transpose(t, tf.constant(new int[] {2, 0, 1, 3}));
  }

  /**
   * Source rows of a reflect-padded axis ({@code MirrorPad REFLECT}: {@code r..1, 0..n-1,
   * n-2..n-1-r}). Padding by {@code Gather} instead of {@code MirrorPad} because MirrorPad rejects
   * a tensor with an empty axis (an empty sub-batch here), even where that axis is not padded.
   */
  static int[] reflectIndex(long n, int r) {
    int[] idx = new int[(int) n + 2 * r];
    for (int i = 0; i < idx.length; i++) {
      int j = i - r;
      if (j < 0) {
        j = -j;
      } else if (j >= n) {
        j = (int) (2 * n - 2 - j);
      }
      idx[i] = j;
    }
    return idx;
  }

  /** {@code [N, 2r+1]} normalised 1-D Gaussian kernels for per-sample sigmas {@code [N]}. */
  static Operand<TFloat32> kernels(Ops tf, Operand<TFloat32> sigma, int r) {
    int k = 2 * r + 1;
    float[] negHalfSq = new float[k];
    for (int j = -r; j <= r; j++) {
      negHalfSq[j + r] = -0.5f * j * j;
    }
    Operand<TFloat32> s = tf.expandDims(sigma, tf.constant(1));
    Operand<TFloat32> g =
        tf.math.exp(tf.math.div(tf.constant(new float[][] {negHalfSq}), tf.math.square(s)));
    return tf.math.div(g, tf.sum(g, tf.constant(1), Sum.keepDims(true)));
  }
}
