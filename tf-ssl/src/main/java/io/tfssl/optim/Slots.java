package io.tfssl.optim;

import io.tfssl.nn.Param;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Optimizer state variables ("slots"), one per parameter and kind.
 *
 * <p>A slot is a ref {@code VariableV2} (so {@code Session.save} writes it; resource variables are
 * not saved by TF Java 1.1.0) initialised to zeros, named {@code [<scope>/]slots/<param op name
 * with '/' replaced by '_'>_<suffix>}, e.g. the momentum of {@code online/conv1/kernel} is {@code
 * slots/online_conv1_kernel_momentum}. The name depends only on the parameter's variable name, so
 * checkpoints stay stable across runs.
 *
 * <p>TF Java makes every {@code withSubScope} call and every op name unique by appending {@code _1,
 * _2, ...}; a silently renamed slot would not match a checkpoint, so {@link #zeros} throws instead.
 * Create the slot scope once with {@link #scope} and create all slots in it.
 */
public final class Slots {
  /** The sub-scope all slots are created in. */
  public static final String SCOPE = "slots";

  private Slots() {}

  /** The scope to create slots in: {@code tf.withSubScope("slots")}. Call once per graph. */
  public static Ops scope(Ops tf) {
    return tf.withSubScope(SCOPE);
  }

  /** The slot's name inside {@link #SCOPE} for {@code param} and {@code suffix}. */
  public static String name(Param param, String suffix) {
    return param.variable().op().name().replace('/', '_') + "_" + suffix;
  }

  /**
   * Creates a zero-initialised slot shaped like {@code param} in {@code slots} (from {@link
   * #scope}).
   *
   * @throws IllegalStateException if TF had to rename the slot because the name was taken (for
   *     example when an optimizer was applied twice in the same scope)
   */
  public static Variable<TFloat32> zeros(Ops slots, Param param, String suffix) {
    Shape shape = param.variable().shape();
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(
          "parameter " + param.name() + " needs a fully known shape, got " + shape);
    }
    String name = name(param, suffix);
    Ops init = slots.withInitScope();
    Variable<TFloat32> slot =
        slots.withName(name).variable(init.zeros(init.constant(shape.asArray()), TFloat32.class));
    String actual = slot.op().name();
    if (!(actual.equals(SCOPE + "/" + name) || actual.endsWith("/" + SCOPE + "/" + name))) {
      throw new IllegalStateException(
          "slot for "
              + param.variable().op().name()
              + " would be named "
              + actual
              + " instead of "
              + SCOPE
              + "/"
              + name
              + "; apply each optimizer once per scope (use tf.withSubScope for a second one)");
    }
    return slot;
  }
}
