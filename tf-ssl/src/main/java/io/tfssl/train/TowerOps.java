package io.tfssl.train;

import io.tfssl.compute.NativeGraphs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/** The ops one tower added to the training graph: found by name, before and after it. */
final class TowerOps {
  private TowerOps() {}

  /** The names of every op of {@code graph} now. */
  static Set<String> names(Graph graph) {
    Set<String> names = new HashSet<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      names.add(it.next().name());
    }
    return names;
  }

  /** The variables ({@code VariableV2}) added since {@code before}: one tower's copy of them. */
  static Set<String> variablesSince(Graph graph, Set<String> before) {
    Set<String> out = new TreeSet<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2") && !before.contains(op.name())) {
        out.add(op.name());
      }
    }
    return out;
  }

  /**
   * Requests {@code device} for every op added since {@code before} that has none: the backward
   * pass, which {@code Graph.addGradients} builds without a device.
   */
  static void placeUnplaced(Graph graph, Set<String> before, String device) {
    List<GraphOperation> unplaced = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (!before.contains(op.name()) && op.device().isEmpty()) {
        unplaced.add(op);
      }
    }
    NativeGraphs.setRequestedDevice(graph, unplaced, device);
  }
}
