package io.tfssl.train;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;

/**
 * Symbolic gradients with {@code Graph.addGradients} (the C API's AddSymbolicGradients) over an
 * explicit list, since {@code Optimizer.minimize} differentiates w.r.t. every variable and fails
 * once BN statistics exist (docs/tensorflow-java.md §2, tensorflow/java#307).
 */
public final class Gradients {
  private Gradients() {}

  /** d loss / d xs, one output per x; an x the loss does not depend on gets an absent output. */
  public static Output<?>[] of(Graph graph, Operand<?> loss, Output<?>[] xs) {
    return of(graph, "gradients", loss, xs);
  }

  /**
   * As above, with the gradient ops under {@code prefix}: a second gradient computation in one
   * graph (the online probe's) needs its own prefix, since TF refuses to reuse one.
   */
  public static Output<?>[] of(Graph graph, String prefix, Operand<?> loss, Output<?>[] xs) {
    return graph.addGradients(prefix, new Output<?>[] {loss.asOutput()}, xs, null);
  }

  /**
   * True when the gradient builder found no path: it then returns an output without a native
   * operation (TF Java wraps the C API's null), or null.
   */
  public static boolean isAbsent(Output<?> gradient) {
    if (gradient == null) {
      return true;
    }
    var handle = ((GraphOperation) gradient.op()).getUnsafeNativeHandle();
    return handle == null || handle.isNull();
  }
}
