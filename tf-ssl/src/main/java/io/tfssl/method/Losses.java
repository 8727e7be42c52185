package io.tfssl.method;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/** Small loss pieces shared by the methods. */
public final class Losses {
  private static final float EPS = 1e-12f;

  private Losses() {}

  /** Rows divided by their l2 norm (with a floor of 1e-6 on the norm, as F.normalize does). */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> sq =
        tf.reduceSum(tf.math.mul(x, x), tf.constant(1), ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(EPS))));
  }

  /** Per-sample cosine similarity of two [N, D] batches, shape [N]. */
  public static Operand<TFloat32> cosine(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    return tf.reduceSum(tf.math.mul(l2Normalize(tf, a), l2Normalize(tf, b)), tf.constant(1));
  }
}
