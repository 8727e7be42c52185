package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * BYOL's EMA schedule (Grill et al. 2020, §3.2 "Implementation details" and App. A): {@code tau_k =
 * 1 - (1 - tau0) * (cos(pi * k / K) + 1) / 2}, with k clamped to K, so τ rises from τ₀ (0.996 in
 * the paper) at k = 0 to exactly 1 at k ≥ K. As in deepmind-research {@code
 * byol/utils/schedules.py} {@code target_ema}. With τ₀ = 1 the value is exactly 1.
 *
 * <p>The graph computes in float64 and casts once to float32.
 */
public record CosineTau(double tau0, long totalSteps) implements TauSchedule {

  public CosineTau {
    if (totalSteps <= 0) {
      throw new IllegalArgumentException("totalSteps must be positive: " + totalSteps);
    }
    if (!(tau0 >= 0.0 && tau0 <= 1.0)) {
      throw new IllegalArgumentException("tau0 must be in [0, 1]: " + tau0);
    }
  }

  @Override
  public double valueAt(long step) {
    return 1.0 - (1.0 - tau0) * CosineDecay.value((double) step, totalSteps);
  }

  @Override
  public Operand<TFloat32> at(Ops tf, Operand<TInt64> step) {
    Operand<TFloat64> k = tf.dtypes.cast(step, TFloat64.class);
    Operand<TFloat64> decay = CosineDecay.graph(tf, k, totalSteps);
    Operand<TFloat64> tau =
        tf.math.sub(tf.constant(1.0), tf.math.mul(tf.constant(1.0 - tau0), decay));
    return tf.dtypes.cast(tau, TFloat32.class);
  }
}
