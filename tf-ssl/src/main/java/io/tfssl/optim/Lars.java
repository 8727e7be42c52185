package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * LARS (You, Gitman &amp; Ginsburg 2017, "Large Batch Training of Convolutional Networks", §3) as
 * implemented for BYOL (Grill et al. 2020, App. C.1: LARS, momentum 0.9, weight decay 1.5e-6,
 * biases and batch-norm parameters excluded from weight decay and LARS adaptation;
 * deepmind-research {@code byol/utils/optimizers.py}: {@code add_weight_decay} → {@code
 * scale_by_lars} → {@code scale(-lr)}).
 *
 * <p>For a {@link io.tfssl.nn.ParamKind#decayed()} parameter (weights):
 *
 * <pre>
 *   g'    = g + wd * w
 *   trust = eta * ||w|| / ||g'||   if ||w|| &gt; 0 and ||g'|| &gt; 0, else 1
 *   d     = trust * g'
 * </pre>
 *
 * For biases and batch-norm parameters {@code d = g} (no decay, no trust ratio). Then, as in BYOL's
 * {@code scale_by_lars}, the momentum accumulates the adapted update and the learning rate is
 * applied <em>after</em> the accumulation ({@code mu = m * mu + d; w -= lr * mu}), so a change of
 * lr takes effect immediately on the whole buffer (unlike the original LARS paper's Algorithm 1,
 * which folds the global lr into the momentum buffer). The trust ratio also follows BYOL: its
 * denominator is {@code ||g + wd w||}, not the paper's {@code ||g|| + wd ||w||}. Both norms are
 * float32 reductions over all elements.
 */
public final class Lars extends MomentumOptimizer {
  private final double weightDecay;
  private final double eta;

  public Lars(double momentum, double weightDecay, double eta) {
    super(momentum);
    if (!(weightDecay >= 0.0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0: " + weightDecay);
    }
    if (!(eta > 0.0)) {
      throw new IllegalArgumentException("eta must be > 0: " + eta);
    }
    this.weightDecay = weightDecay;
    this.eta = eta;
  }

  /** BYOL's optimizer: momentum 0.9, weight decay 1.5e-6, eta 1e-3. */
  public static Lars byol() {
    return new Lars(0.9, 1.5e-6, 1e-3);
  }

  public double weightDecay() {
    return weightDecay;
  }

  public double eta() {
    return eta;
  }

  @Override
  protected Operand<TFloat32> direction(Ops tf, ParamGrad pg) {
    if (!pg.param().kind().decayed()) {
      return pg.gradient();
    }
    Operand<TFloat32> w = read(tf, pg);
    Operand<TFloat32> g = pg.gradient();
    if (weightDecay != 0.0) {
      g = tf.math.add(g, tf.math.mul(tf.constant((float) weightDecay), w));
    }
    Operand<TFloat32> wNorm = norm(tf, w);
    Operand<TFloat32> gNorm = norm(tf, g);
    Operand<TFloat32> zero = tf.constant(0f);
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TBool> bothPositive =
        tf.math.logicalAnd(tf.math.greater(wNorm, zero), tf.math.greater(gNorm, zero));
    Operand<TFloat32> safeG = tf.select(tf.math.greater(gNorm, zero), gNorm, one);
    Operand<TFloat32> ratio = tf.math.div(tf.math.mul(tf.constant((float) eta), wNorm), safeG);
    Operand<TFloat32> trust = tf.select(bothPositive, ratio, one);
    return tf.math.mul(trust, g);
  }

  /** Euclidean norm over all elements. */
  private static Operand<TFloat32> norm(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1}));
    return tf.math.sqrt(tf.sum(tf.math.square(flat), tf.constant(0)));
  }
}
