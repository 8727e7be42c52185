package io.tfssl.distributed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DataType;

/** The ref variables ({@code VariableV2}) of a graph, by name: the same list on every worker. */
final class GraphVariables {
  private GraphVariables() {}

  /** Every variable of {@code graph}, sorted by name. */
  static List<GraphOperation> all(Graph graph) {
    List<GraphOperation> out = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) {
        out.add(op);
      }
    }
    out.sort(Comparator.comparing(GraphOperation::name));
    return out;
  }

  /** The variable's element type (its output is the ref type, so read the attribute). */
  static DataType dtype(GraphOperation variable) {
    return variable.attributes().getAttrType("dtype");
  }

  /** The number of elements of a variable (its shape is static). */
  static long size(GraphOperation variable) {
    return variable.attributes().getAttrShape("shape").size();
  }
}
