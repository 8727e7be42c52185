package io.tfssl;

import io.tfssl.train.Gradients;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** Helpers for tests that inspect real graphs. */
public final class TestGraphs {
  private TestGraphs() {}

  /**
   * Whether {@code target} can be reached from {@code from} by walking op inputs backwards without
   * passing through a StopGradient op: i.e. whether a gradient path exists.
   */
  public static boolean reachableWithoutStopGradient(Operand<?> from, GraphOperation target) {
    return reachable(from, target, true);
  }

  /** Whether {@code target} feeds {@code from} at all (stop-gradients included). */
  public static boolean feeds(Operand<?> from, GraphOperation target) {
    return reachable(from, target, false);
  }

  private static boolean reachable(Operand<?> from, GraphOperation target, boolean stopAtSg) {
    Deque<GraphOperation> todo = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    todo.push((GraphOperation) from.op());
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (!seen.add(op.name())) {
        continue;
      }
      if (op.name().equals(target.name())) {
        return true;
      }
      if (stopAtSg && op.type().equals("StopGradient")) {
        continue;
      }
      for (int i = 0; i < op.numInputs(); i++) {
        todo.push((GraphOperation) op.input(i).op());
      }
    }
    return false;
  }

  /** A batch of random uint8 images, deterministic in {@code seed}. */
  public static TUint8 randomImages(int n, int h, int w, int c, long seed) {
    byte[] bytes = new byte[n * h * w * c];
    new Random(seed).nextBytes(bytes);
    return TUint8.tensorOf(Shape.of(n, h, w, c), DataBuffers.of(bytes, true, false));
  }

  /** Fetches a float tensor as a flat array. */
  public static float[] fetch(Session s, Operand<TFloat32> x) {
    try (Result r = s.runner().fetch(x).run()) {
      return flat((TFloat32) r.get(0));
    }
  }

  public static float[] flat(TFloat32 t) {
    float[] out = new float[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** The sum of |g| of a gradient output, or 0 when the gradient builder returned none. */
  public static double absSum(Session s, Output<?> grad, Object... feeds) {
    if (Gradients.isAbsent(grad)) {
      return 0;
    }
    Session.Runner runner = s.runner();
    for (int i = 0; i < feeds.length; i += 2) {
      runner.feed((Operand<?>) feeds[i], (org.tensorflow.Tensor) feeds[i + 1]);
    }
    try (Result r = runner.fetch(grad).run()) {
      double sum = 0;
      for (float v : flat((TFloat32) r.get(0))) {
        sum += Math.abs(v);
      }
      return sum;
    }
  }
}
