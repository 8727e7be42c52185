package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A learning rate as a function of the global step, built once into the graph.
 *
 * <p>{@link #at} computes the rate in the graph from the step variable, so the training graph is
 * never rebuilt and a restored checkpoint (which restores the step) resumes the schedule exactly.
 * {@link #valueAt} is the same formula in Java, for tests and logging.
 */
public interface LearningRateSchedule {

  /** The learning rate at {@code step} (an int64 scalar), as a float32 scalar. */
  Operand<TFloat32> at(Ops tf, Operand<TInt64> step);

  /** The same value computed in Java (double precision). */
  double valueAt(long step);

  /**
   * Linear scaling rule (Goyal et al. 2017, "Accurate, Large Minibatch SGD", §2.1): {@code baseLr *
   * batchSize / 256}. Used by SimSiam (Chen &amp; He 2021, §4.2: lr = 0.05 × BatchSize/256) and
   * BYOL (Grill et al. 2020, App. C.1: lr = 0.2 × BatchSize/256).
   */
  static double scaledLr(double baseLr, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
    }
    return baseLr * batchSize / 256.0;
  }
}
