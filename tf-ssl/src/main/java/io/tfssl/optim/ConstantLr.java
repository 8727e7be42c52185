package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A learning rate that does not depend on the step. SimSiam (Chen &amp; He 2021, §4.2 and Table 1)
 * keeps the predictor's learning rate fixed while the rest follows a cosine schedule.
 */
public record ConstantLr(double value) implements LearningRateSchedule {

  @Override
  public Operand<TFloat32> at(Ops tf, Operand<TInt64> step) {
    return tf.constant((float) value);
  }

  @Override
  public double valueAt(long step) {
    return value;
  }
}
