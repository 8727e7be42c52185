package io.tfssl.optim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Heavy-ball momentum applied to a per-parameter update direction d (Polyak 1964; the form used by
 * PyTorch SGD and BYOL's LARS):
 *
 * <pre>
 *   v &lt;- m * v + d
 *   w &lt;- w - lr * v
 * </pre>
 *
 * implemented with the raw {@code ApplyMomentum} op on ref variables, whose kernel computes exactly
 * {@code accum = accum * momentum + grad; var -= lr * accum} (use_nesterov = false). Subclasses
 * define d from the gradient and the weights (weight decay, LARS trust ratio).
 *
 * <p>The returned op is a {@code NoOp} named {@code name}; the ops computing the update live in the
 * sub-scope {@code name + "_ops"}, the slots in {@link Slots#SCOPE}.
 *
 * <p>Every direction is computed before any weight is written: all {@code ApplyMomentum} ops carry
 * control dependencies on all directions, which in turn depend on all gradients and on the weight
 * reads they use. Without this barrier an update of one layer could race with a back-prop op that
 * still reads that layer's weights.
 */
public abstract class MomentumOptimizer implements Optimizer {
  /** Suffix of the momentum slot, see {@link Slots}. */
  public static final String MOMENTUM_SLOT = "momentum";

  private final double momentum;

  protected MomentumOptimizer(double momentum) {
    if (!(momentum >= 0.0 && momentum < 1.0)) {
      throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
    }
    this.momentum = momentum;
  }

  public double momentum() {
    return momentum;
  }

  /** The direction d fed to the momentum accumulator for one parameter. */
  protected abstract Operand<TFloat32> direction(Ops tf, ParamGrad pg);

  /**
   * The parameter's current value, read through {@code Identity} (reading a {@code VariableV2}
   * output directly into {@code Square} crashes TF Java 1.1.0; docs/tensorflow-java.md §1 Trap A).
   */
  protected static Operand<TFloat32> read(Ops tf, ParamGrad pg) {
    return tf.identity(pg.param().variable());
  }

  @Override
  public final Op apply(Ops tf, List<ParamGrad> grads, String name) {
    Set<String> seen = new HashSet<>();
    for (ParamGrad pg : grads) {
      if (!seen.add(pg.param().variable().op().name())) {
        throw new IllegalArgumentException(
            "parameter " + pg.param().variable().op().name() + " is listed twice");
      }
    }
    // Slots first, so that a name clash (see Slots#zeros) fails before anything else is built.
    Ops slotScope = Slots.scope(tf);
    List<Variable<TFloat32>> slots = new ArrayList<>(grads.size());
    for (ParamGrad pg : grads) {
      slots.add(Slots.zeros(slotScope, pg.param(), MOMENTUM_SLOT));
    }
    Ops scoped = tf.withSubScope(name + "_ops");
    List<Operand<TFloat32>> directions = new ArrayList<>(grads.size());
    for (ParamGrad pg : grads) {
      directions.add(direction(scoped, pg));
    }
    Ops after = scoped.withControlDependencies(new ArrayList<Op>(directions));
    Operand<TFloat32> m = scoped.withName("momentum").constant((float) momentum);
    List<Op> updates = new ArrayList<>(grads.size());
    for (int i = 0; i < grads.size(); i++) {
      ParamGrad pg = grads.get(i);
      updates.add(
          after.train.applyMomentum(
              pg.param().variable(), slots.get(i), pg.learningRate(), directions.get(i), m));
    }
    return tf.withControlDependencies(updates).withName(name).noOp();
  }
}
