package io.tfssl.optim;

import java.util.List;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * Builds the parameter-update ops of one training step.
 *
 * <p>Unlike the framework's {@code org.tensorflow.framework.optimizers.Optimizer}, whose learning
 * rate is a baked-in constant, every rate here is a graph operand (see {@link ParamGrad}), so
 * schedules are computed from the global step. Slots are ref {@code VariableV2} variables named
 * after their parameter (see {@link Slots}), so {@code Session.save/restore} include them.
 */
public interface Optimizer {

  /**
   * Returns ONE op (a {@code NoOp} named {@code name} with control dependencies) that, when run,
   * updates every parameter in {@code grads} exactly once. No update starts before every gradient
   * in {@code grads} has been computed, so the step reads consistent pre-update weights. Call it
   * once per scope: a second call with the same {@code tf} scope throws {@link
   * IllegalStateException} rather than create renamed slots that would not match a checkpoint (pass
   * {@code tf.withSubScope(...)} for a second optimizer).
   *
   * @throws IllegalArgumentException if a parameter appears twice in {@code grads}
   */
  Op apply(Ops tf, List<ParamGrad> grads, String name);
}
