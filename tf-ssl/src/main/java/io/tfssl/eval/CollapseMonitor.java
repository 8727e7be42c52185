package io.tfssl.eval;

import io.tfssl.method.Losses;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * SimSiam's collapse indicator (Chen and He 2021, §4.1 and Fig. 2): the standard deviation over
 * the batch of the l2-normalized output z/‖z‖, averaged over the d dimensions, times √d.
 *
 * <p>For a collapsed network every sample maps to the same vector and the value is 0; for outputs
 * spread like a zero-mean isotropic Gaussian it is close to 1 (the std of each coordinate of a
 * unit vector is 1/√d).
 */
public final class CollapseMonitor {
  /**
   * Below this value a run is reported as collapsed. A collapsed SimSiam run reads about 0 in the
   * paper's Fig. 2, a healthy one about 1; on Fashion-MNIST a run without stop-gradient and without
   * BN in the heads falls to about 0.1 within a hundred steps.
   */
  public static final double COLLAPSED_BELOW = 0.2;

  private CollapseMonitor() {}

  /** Whether a monitor value says the representation has collapsed. */
  public static boolean collapsed(double stdTimesSqrtDim) {
    return stdTimesSqrtDim < COLLAPSED_BELOW;
  }

  /** The scalar std·√d of {@code z} ([N, d]), built in the graph. */
  public static Operand<TFloat32> stdTimesSqrtDim(Ops tf, Operand<TFloat32> z) {
    long d = z.shape().get(1);
    Operand<TFloat32> u = Losses.l2Normalize(tf, z);
    Operand<TFloat32> mean = tf.math.mean(u, tf.constant(0));
    Operand<TFloat32> centered = tf.math.sub(u, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.mul(centered, centered), tf.constant(0));
    Operand<TFloat32> std = tf.math.sqrt(variance);
    return tf.math.mul(tf.math.mean(std, tf.constant(0)), tf.constant((float) Math.sqrt(d)));
  }
}
