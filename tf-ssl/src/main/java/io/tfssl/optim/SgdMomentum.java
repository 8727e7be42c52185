package io.tfssl.optim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * SGD with momentum and L2 weight decay, with PyTorch {@code torch.optim.SGD} semantics (dampening
 * 0, no Nesterov), as used by SimSiam (Chen &amp; He 2021, §4.2: momentum 0.9, weight decay 1e-4,
 * lr = 0.05·BatchSize/256 with cosine decay):
 *
 * <pre>
 *   g' = g + wd * w
 *   v  &lt;- m * v + g'
 *   w  &lt;- w - lr * v
 * </pre>
 *
 * {@code torch.optim.SGD} decays every parameter, biases and batch-norm parameters included, so
 * {@link #simSiam()} sets {@code decayBiasAndBn = true}; with {@code false} only {@link
 * io.tfssl.nn.ParamKind#decayed()} parameters get weight decay.
 */
public final class SgdMomentum extends MomentumOptimizer {
  private final double weightDecay;
  private final boolean decayBiasAndBn;

  public SgdMomentum(double momentum, double weightDecay, boolean decayBiasAndBn) {
    super(momentum);
    if (!(weightDecay >= 0.0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0: " + weightDecay);
    }
    this.weightDecay = weightDecay;
    this.decayBiasAndBn = decayBiasAndBn;
  }

  /** SimSiam's optimizer: momentum 0.9, weight decay 1e-4 on all parameters. */
  public static SgdMomentum simSiam() {
    return new SgdMomentum(0.9, 1e-4, true);
  }

  public double weightDecay() {
    return weightDecay;
  }

  public boolean decayBiasAndBn() {
    return decayBiasAndBn;
  }

  @Override
  protected Operand<TFloat32> direction(Ops tf, ParamGrad pg) {
    boolean decay = weightDecay != 0.0 && (decayBiasAndBn || pg.param().kind().decayed());
    if (!decay) {
      return pg.gradient();
    }
    return tf.math.add(pg.gradient(), tf.math.mul(tf.constant((float) weightDecay), read(tf, pg)));
  }
}
