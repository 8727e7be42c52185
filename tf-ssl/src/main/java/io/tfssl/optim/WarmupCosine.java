package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * Linear warmup followed by cosine decay, following BYOL's {@code learning_schedule} (Grill et al.
 * 2020, App. C.1: "linear warmup for 10 epochs, then cosine decay"; deepmind-research {@code
 * byol/utils/schedules.py}), generalised with an optional final rate:
 *
 * <pre>
 *   k &lt; W:  lr(k) = base * k / W                       (so lr(0) = 0, as in BYOL)
 *   k &ge; W:  lr(k) = final + (base - final) * 0.5 * (1 + cos(pi * min(k - W, T - W) / (T - W)))
 * </pre>
 *
 * with W = {@code warmupSteps}, T = {@code totalSteps}. With {@code finalLr = 0} and {@code
 * warmupSteps = 0} this is SimSiam's schedule (Chen &amp; He 2021, §4.2: cosine decay, no warmup
 * for batch 512). Steps are expected to be non-negative. The base rate is used as given: apply
 * {@link LearningRateSchedule#scaledLr} beforehand if the paper scales it by batch.
 *
 * <p>The graph computes in float64 and casts once to float32, so {@link #at} equals {@code (float)
 * valueAt(k)} to within one float32 ulp.
 */
public record WarmupCosine(double base, long warmupSteps, long totalSteps, double finalLr)
    implements LearningRateSchedule {

  public WarmupCosine {
    if (warmupSteps < 0 || totalSteps <= warmupSteps) {
      throw new IllegalArgumentException(
          "need 0 <= warmupSteps < totalSteps, got " + warmupSteps + ", " + totalSteps);
    }
  }

  /** Decays to zero, as in BYOL. */
  public WarmupCosine(double base, long warmupSteps, long totalSteps) {
    this(base, warmupSteps, totalSteps, 0.0);
  }

  @Override
  public double valueAt(long step) {
    double k = (double) step;
    if (step < warmupSteps) {
      return base * k / (double) warmupSteps;
    }
    double decay = CosineDecay.value(k - (double) warmupSteps, totalSteps - warmupSteps);
    return finalLr + (base - finalLr) * decay;
  }

  @Override
  public Operand<TFloat32> at(Ops tf, Operand<TInt64> step) {
    Operand<TFloat64> k = tf.dtypes.cast(step, TFloat64.class);
    Operand<TFloat64> w = tf.constant((double) warmupSteps);
    Operand<TFloat64> decay = CosineDecay.graph(tf, tf.math.sub(k, w), totalSteps - warmupSteps);
    Operand<TFloat64> cosine =
        tf.math.add(tf.constant(finalLr), tf.math.mul(tf.constant(base - finalLr), decay));
    Operand<TFloat64> lr = cosine;
    if (warmupSteps > 0) {
      Operand<TFloat64> warm = tf.math.div(tf.math.mul(tf.constant(base), k), w);
      lr = tf.select(tf.math.less(k, w), warm, cosine);
    }
    return tf.dtypes.cast(lr, TFloat32.class);
  }
}
