package io.tfssl.compute;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetRequestedDevice;

import java.lang.reflect.Method;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.internal.c_api.TF_Graph;

/**
 * What TF Java 1.1.0 keeps package-private about a {@link Graph}, reached through the C API: its
 * {@code TF_Graph} handle, and a node's requested device after the node was built.
 *
 * <p>The second is what towers need: {@code Graph.addGradients} (the C API's {@code
 * TF_AddGradientsWithPrefix}) builds the backward ops without any device, so TF's placer would put
 * the backward pass of every tower on the first device. Python's {@code
 * colocate_gradients_with_ops} solves the same problem; here the tower's device is set on those ops
 * afterwards with {@code TF_SetRequestedDevice} (before any session runs the graph: a session reads
 * a node's device once).
 */
public final class NativeGraphs {
  private NativeGraphs() {}

  /** The graph's TF_Graph, through its package-private reference (released again at once). */
  public static TF_Graph handle(Graph graph) {
    try {
      Method ref = Graph.class.getDeclaredMethod("ref");
      ref.setAccessible(true);
      try (AutoCloseable reference = (AutoCloseable) ref.invoke(graph)) {
        Method handle = reference.getClass().getDeclaredMethod("nativeHandle");
        handle.setAccessible(true);
        return (TF_Graph) handle.invoke(reference);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot reach the graph's native handle: this TF Java"
              + " version does not have the internals used here (written for 1.1.0)",
          e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the graph's native handle", e);
    }
  }

  /**
   * Requests {@code device} (for example {@code /device:GPU:1}) for ops of {@code graph} already
   * built (the graph's handle is looked up once for all of them).
   */
  public static void setRequestedDevice(Graph graph, Iterable<GraphOperation> ops, String device) {
    TF_Graph g = handle(graph);
    for (GraphOperation op : ops) {
      TF_SetRequestedDevice(g, op.getUnsafeNativeHandle(), device);
    }
  }
}
