package io.tfssl.distributed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * Every tower holds its own copy of the variables (tf.distribute's MirroredStrategy keeps them the
 * same way), named {@code tower_<t>/<name>} after tower 0's {@code <name>}. They stay equal because
 * every tower applies the same all-reduced update; this makes them equal at the start, once, by
 * copying tower 0's values (just initialized, restored from a checkpoint, or received from the
 * chief) into the other towers.
 */
final class TowerMirror {
  private TowerMirror() {}

  /** The prefix of tower {@code t}'s variables (tower 0 has none). */
  static String prefix(int tower) {
    return "tower_" + tower + "/";
  }

  /**
   * Tower 0's name of tower {@code t}'s variable: without the scope prefix, and without the prefix
   * that optimizer slots take into their own name from the parameter's full name ({@code
   * tower_1/optimizer/slots/tower_1_online_..._momentum}).
   */
  static String towerZeroName(String name, int tower) {
    String prefix = prefix(tower);
    String rest = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    return rest.replace("/tower_" + tower + "_", "/");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void copyFromTowerZero(Session session, int towers) {
    Graph graph = session.graph();
    Map<String, GraphOperation> byName = new HashMap<>();
    for (GraphOperation v : GraphVariables.all(graph)) {
      byName.put(v.name(), v);
    }
    Ops tf = Ops.create(graph).withSubScope("mirror_towers");
    List<Op> assigns = new ArrayList<>();
    for (int t = 1; t < towers; t++) {
      String prefix = prefix(t);
      int copies = 0;
      for (GraphOperation v : byName.values()) {
        if (!v.name().startsWith(prefix)) {
          continue;
        }
        GraphOperation source = byName.get(towerZeroName(v.name(), t));
        if (source == null) {
          throw new IllegalStateException(v.name() + " has no counterpart in tower 0");
        }
        assigns.add(tf.assign((Operand) v.output(0), tf.identity((Operand) source.output(0))));
        copies++;
      }
      if (copies == 0) {
        throw new IllegalStateException("tower " + t + " has no variables");
      }
    }
    Op all = tf.withControlDependencies(assigns).withName("copied").noOp();
    session.runner().addTarget(all).run().close();
  }
}
