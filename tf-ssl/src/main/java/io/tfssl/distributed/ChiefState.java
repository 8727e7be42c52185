package io.tfssl.distributed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;

/**
 * Copies every variable of the chief to the other workers, once, before the first step: the
 * weights, optimizer slots, EMA targets, moving statistics and the global step. The chief has just
 * initialized them (a new run) or restored its latest checkpoint ({@code --resume}); the others
 * have only initialized theirs. So the other workers need no access to the chief's checkpoint
 * files, and a resumed cluster continues from exactly the chief's state.
 *
 * <p>A broadcast written as an all-reduce sum: the chief contributes its values, every other worker
 * zeros, and every worker (the chief too) assigns the result, so all hold the same bits. One
 * collective per element type (float32 and int64 here).
 */
final class ChiefState {
  private ChiefState() {}

  static void broadcast(Session session, Collectives collectives, boolean chief) {
    Graph graph = session.graph();
    Ops tf = Ops.create(graph).withSubScope("start_from_chief");
    Map<DataType, List<GraphOperation>> byType = new LinkedHashMap<>();
    for (GraphOperation v : GraphVariables.all(graph)) {
      byType.computeIfAbsent(GraphVariables.dtype(v), t -> new ArrayList<>()).add(v);
    }
    List<Op> assigns = new ArrayList<>();
    for (Map.Entry<DataType, List<GraphOperation>> group : byType.entrySet()) {
      assigns.addAll(broadcast(tf, collectives, chief, group.getValue()));
    }
    Op all = tf.withControlDependencies(assigns).withName("assigned").noOp();
    session.runner().addTarget(all).run().close();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Op> broadcast(
      Ops tf, Collectives collectives, boolean chief, List<GraphOperation> variables) {
    List<Operand> refs = new ArrayList<>();
    List<Operand> values = new ArrayList<>();
    for (GraphOperation v : variables) {
      Operand ref = (Operand) v.output(0);
      refs.add(ref);
      values.add(tf.identity(ref));
    }
    Operand packed = FlatBuffer.pack(tf, (List) values);
    Operand contribution = chief ? packed : tf.zerosLike(packed);
    Operand received = collectives.sum(tf, contribution);
    List<Operand> parts =
        FlatBuffer.unpack(tf, received, refs.stream().map(Operand::shape).toList());
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      assigns.add(tf.assign(refs.get(i), parts.get(i)));
    }
    return assigns;
  }
}
