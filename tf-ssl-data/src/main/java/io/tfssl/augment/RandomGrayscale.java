package io.tfssl.augment;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Per-sample conversion to grayscale with luma weights (0.2989, 0.5870, 0.1140), replicated to all
 * channels (BYOL Appendix B: p = 0.2, applied after colour jitter; SimCLR Appendix A).
 *
 * <p>Why: stops the network from solving the pretext task by colour histograms alone.
 *
 * <p>Defined for RGB only: for images whose channel count is not 3 this is a no-op.
 */
public final class RandomGrayscale {
  static final float[] LUMA = {0.2989f, 0.5870f, 0.1140f};

  private RandomGrayscale() {}

  /** Converts each image of {@code x} ([N,H,W,3]) to grayscale with probability {@code prob}. */
  public static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, Operand<TInt64> seed, float prob) {
    if (prob <= 0f || PerSample.staticHwc(x)[2] != 3) {
      return x;
    }
    Operand<TFloat32> g = luma(tf, x);
    Operand<TFloat32> gray = tf.concat(List.of(g, g, g), tf.constant(3));
    if (prob >= 1f) {
      return gray;
    }
    Operand<TFloat32> u =
        PerSample.column(tf, PerSample.uniform(tf, seed, PerSample.batchSize(tf, x), 1), 0);
    return PerSample.selectRows(tf, PerSample.coin(tf, u, prob), gray, x);
  }

  /** {@code [N,H,W,1]} weighted channel sum of an RGB batch. */
  static Operand<TFloat32> luma(Ops tf, Operand<TFloat32> rgb) {
    return tf.sum(tf.math.mul(rgb, tf.constant(LUMA)), tf.constant(3), Sum.keepDims(true));
  }
}
