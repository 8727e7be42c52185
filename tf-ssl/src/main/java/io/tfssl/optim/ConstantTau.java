package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** A τ that does not change with the step (BYOL, Grill et al. 2020, Table 5b; MoCo m). */
public record ConstantTau(double tau) implements TauSchedule {

  public ConstantTau {
    if (!(tau >= 0.0 && tau <= 1.0)) {
      throw new IllegalArgumentException("tau must be in [0, 1]: " + tau);
    }
  }

  @Override
  public Operand<TFloat32> at(Ops tf, Operand<TInt64> step) {
    return tf.constant((float) tau);
  }

  @Override
  public double valueAt(long step) {
    return tau;
  }
}
