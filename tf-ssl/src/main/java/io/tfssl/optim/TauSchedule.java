package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The target-network EMA rate τ as a function of the global step (BYOL, Grill et al. 2020, §3.1: ξ
 * ← τξ + (1 − τ)θ). Like {@link LearningRateSchedule}, {@link #at} is computed in the graph from
 * the step and {@link #valueAt} is the same formula in Java.
 */
public interface TauSchedule {

  /** τ at {@code step} (an int64 scalar), as a float32 scalar. */
  Operand<TFloat32> at(Ops tf, Operand<TInt64> step);

  /** The same value computed in Java (double precision). */
  double valueAt(long step);

  /**
   * BYOL's cosine increase from {@code tau0} to 1 over {@code totalSteps}; see {@link CosineTau}.
   */
  static TauSchedule cosine(double tau0, long totalSteps) {
    return new CosineTau(tau0, totalSteps);
  }

  /** A fixed τ (BYOL Table 5b ablation; MoCo's fixed momentum m = 0.999). */
  static TauSchedule constant(double tau) {
    return new ConstantTau(tau);
  }
}
