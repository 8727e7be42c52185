package io.tfssl.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The in-graph check that a step's loss and gradients are finite, made a control dependency of
 * every gradient the optimizer sees: when the check fails the session run stops with the error
 * before any weight or slot is written, so the variables (and every checkpoint written from them)
 * hold only finite values. Checking the fetched loss in Java would be too late: by then the update
 * of that same step has already applied the NaN gradient.
 *
 * <p>The error names {@link #TAG}, which the trainer recognizes to report the step and the last
 * good checkpoint instead of TensorFlow's raw message.
 */
final class NonFiniteGuard {
  /** Appears in the message of the error the check raises. */
  static final String TAG = "tf-ssl non-finite";

  private NonFiniteGuard() {}

  /**
   * A check op over {@code loss}, every gradient and every watched batch-norm statistic: {@code
   * all(isFinite(.))} asserted, in that order, so the first failure named is the loss's. A max or a
   * sum over the values would not do: Eigen's max may drop a NaN, and a sum of squares overflows to
   * Inf on finite but large gradients.
   */
  static Op check(
      Ops tf,
      Operand<TFloat32> loss,
      List<? extends Operand<TFloat32>> gradients,
      List<? extends Operand<TFloat32>> statistics) {
    Ops g = tf.withSubScope("non_finite_guard");
    Op lossCheck =
        g.withName("loss_is_finite")
            .assertThat(
                g.math.isFinite(loss), List.of(g.constant(TAG + ": " + LOSS + "; value"), loss));
    Op gradCheck =
        gradients.isEmpty()
            ? lossCheck
            : allFinite(
                g.withControlDependencies(List.of(lossCheck)),
                "gradients_are_finite",
                gradients,
                TAG + ": " + GRADIENT);
    if (statistics.isEmpty()) {
      return gradCheck;
    }
    return allFinite(
        g.withControlDependencies(List.of(gradCheck)),
        "statistics_are_finite",
        statistics,
        TAG + ": " + STATISTIC);
  }

  static final String LOSS = "the loss is NaN or Inf";
  static final String GRADIENT = "a gradient is NaN or Inf (the loss was finite)";
  static final String STATISTIC =
      "a batch-norm batch statistic is NaN or Inf (activations" + " overflow; the loss was finite)";

  private static Op allFinite(
      Ops g, String name, List<? extends Operand<TFloat32>> values, String message) {
    Operand<TInt32> axis0 = g.constant(new int[] {0});
    List<Operand<TBool>> each = new ArrayList<>();
    for (Operand<TFloat32> v : values) {
      Operand<TFloat32> flat = g.reshape(v, g.constant(new int[] {-1}));
      each.add(g.all(g.math.isFinite(flat), axis0));
    }
    return g.withName(name).assertThat(g.all(g.stack(each), axis0), List.of(g.constant(message)));
  }

  /** What {@code e}, raised by {@link #check}, found non-finite; null if it is another error. */
  static String what(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.contains(TAG)) {
        return m.contains(LOSS) ? LOSS : m.contains(GRADIENT) ? GRADIENT : STATISTIC;
      }
    }
    return null;
  }
}
