package io.tfssl.augment;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Per-sample solarisation: {@code x -> x if x < threshold else 1 - x} (BYOL Appendix B, Table 6: p
 * = 0.0 for view 1 and 0.2 for view 2, threshold 0.5; values in [0, 1]).
 *
 * <p>Why: BYOL's asymmetric second view; a non-monotone intensity change that colour jitter cannot
 * produce.
 */
public final class Solarize {
  private Solarize() {}

  /** Solarises each image of {@code x} ([N,H,W,C] in [0,1]) with probability {@code prob}. */
  public static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, Operand<TInt64> seed, float prob, float threshold) {
    if (prob <= 0f) {
      return x;
    }
    Operand<TBool> high = tf.math.greaterEqual(x, tf.constant(threshold));
    Operand<TFloat32> solarized =
        PerSample.selectRows(tf, high, tf.math.sub(tf.constant(1f), x), x);
    if (prob >= 1f) {
      return solarized;
    }
    Operand<TFloat32> u =
        PerSample.column(tf, PerSample.uniform(tf, seed, PerSample.batchSize(tf, x), 1), 0);
    return PerSample.selectRows(tf, PerSample.coin(tf, u, prob), solarized, x);
  }
}
