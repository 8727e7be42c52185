package io.tfssl.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * With local batch norm each worker updates its moving mean and variance from its own batch, so the
 * workers' copies would drift apart. After the step's updates they are replaced by their mean over
 * the workers, in one all-reduce: since all workers start a step with equal averages m and each
 * computes 0.9·m + 0.1·b_w, the mean is 0.9·m + 0.1·mean_w(b_w), the update with the workers' mean
 * batch statistics (what tf.distribute does for batch-norm moving averages, whose variables
 * aggregate by MEAN). The normalization itself stays local. With towers, each tower averages its
 * own copy, on its device, in the same collective as every other replica.
 */
final class MovingStatistics {
  private MovingStatistics() {}

  /**
   * The averaging ops of the moving statistics among {@code replicaVariables} (this replica's
   * variables), or none when it has no moving statistics.
   */
  @SuppressWarnings("unchecked")
  static List<Op> average(Collectives collectives, Ops tf, Set<String> replicaVariables) {
    Graph graph = (Graph) tf.scope().env();
    List<Operand<TFloat32>> variables = new ArrayList<>();
    for (GraphOperation v : GraphVariables.all(graph)) {
      String name = v.name();
      if (!replicaVariables.contains(name)) {
        continue;
      }
      if (name.endsWith("/moving_mean") || name.endsWith("/moving_variance")) {
        variables.add((Operand<TFloat32>) (Operand<?>) v.output(0));
      }
    }
    if (variables.isEmpty()) {
      return List.of();
    }
    Ops ops = tf.withSubScope("moving_statistics");
    List<Operand<TFloat32>> values = new ArrayList<>();
    for (Operand<TFloat32> v : variables) {
      values.add(ops.identity(v));
    }
    Operand<TFloat32> mean = collectives.mean(ops, FlatBuffer.pack(ops, values));
    List<Operand<TFloat32>> parts =
        FlatBuffer.unpack(ops, mean, variables.stream().map(Operand::shape).toList());
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      assigns.add(ops.assign(variables.get(i), parts.get(i)));
    }
    return List.of(ops.withControlDependencies(assigns).withName("averaged").noOp());
  }
}
