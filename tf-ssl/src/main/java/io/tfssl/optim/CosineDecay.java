package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * The cosine factor {@code 0.5 * (1 + cos(pi * min(k, K) / K))} shared by the learning-rate and EMA
 * schedules, as in TF1's {@code cosine_decay} and BYOL's {@code schedules._cosine_decay}.
 *
 * <p>The graph version works in float64 and performs the same operations in the same order as the
 * Java version, so after the final cast to float32 both agree to within one float32 ulp, even near
 * the end of the schedule where the factor is close to zero.
 */
final class CosineDecay {
  private CosineDecay() {}

  /** Java version; {@code k} is clamped to {@code [.., maxSteps]}. */
  static double value(double k, long maxSteps) {
    double t = Math.min(k, (double) maxSteps) / (double) maxSteps;
    return 0.5 * (1.0 + Math.cos(Math.PI * t));
  }

  /** Graph version of {@link #value} on a float64 scalar step. */
  static Operand<TFloat64> graph(Ops tf, Operand<TFloat64> k, long maxSteps) {
    Operand<TFloat64> kmax = tf.constant((double) maxSteps);
    Operand<TFloat64> t = tf.math.div(tf.math.minimum(k, kmax), kmax);
    Operand<TFloat64> c = tf.math.cos(tf.math.mul(tf.constant(Math.PI), t));
    return tf.math.mul(tf.constant(0.5), tf.math.add(tf.constant(1.0), c));
  }
}
