package io.tfssl.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/**
 * Where one traced training step spends its time, from TensorFlow's step statistics ({@code
 * RunOptions.TraceLevel.FULL_TRACE}): op time summed by op type (as executed, e.g. the oneDNN
 * kernels {@code _MklNativeConv2D}) and by the first name-scope component of the node ({@code
 * view1}, {@code gradients}, {@code optimizer}, ...; unscoped nodes count as {@code (top level)}).
 * Ops run in parallel, so the sums exceed the wall time; the shares are of the summed op time.
 *
 * @param byOpType (op type, total µs, executions), largest first
 * @param byScope (scope, total µs, executions), largest first
 * @param totalMicros sum of every op's execution time
 * @param wallMicros wall time of the traced step (tracing adds overhead)
 */
public record StepProfile(
    List<Entry> byOpType, List<Entry> byScope, long totalMicros, long wallMicros) {

  /** One row: a key, its summed op time and how many ops ran under it. */
  public record Entry(String key, long micros, int count) {}

  /** Sums the node statistics of {@code metadata}. */
  public static StepProfile of(RunMetadata metadata, long wallMicros) {
    Map<String, long[]> types = new HashMap<>();
    Map<String, long[]> scopes = new HashMap<>();
    long total = 0;
    for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        long us = node.getOpEndRelMicros();
        String name = node.getNodeName();
        if (name.equals("_SOURCE") || name.equals("_SINK")) {
          continue;
        }
        total += us;
        add(types, opType(node), us);
        int slash = name.indexOf('/');
        add(scopes, slash < 0 ? "(top level)" : name.substring(0, slash), us);
      }
    }
    return new StepProfile(sorted(types), sorted(scopes), total, wallMicros);
  }

  /** The op type from the timeline label {@code "name = Type(inputs)"}, else the node name. */
  private static String opType(NodeExecStats node) {
    String label = node.getTimelineLabel();
    int eq = label.indexOf(" = ");
    if (eq >= 0) {
      int paren = label.indexOf('(', eq);
      return label.substring(eq + 3, paren < 0 ? label.length() : paren).trim();
    }
    return node.getNodeName();
  }

  private static void add(Map<String, long[]> m, String key, long us) {
    long[] v = m.computeIfAbsent(key, k -> new long[2]);
    v[0] += us;
    v[1]++;
  }

  private static List<Entry> sorted(Map<String, long[]> m) {
    List<Entry> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Entry(k, v[0], (int) v[1])));
    out.sort(Comparator.comparingLong(Entry::micros).reversed());
    return out;
  }

  /** The top {@code n} rows of both tables as text. */
  public String format(int n) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "profile of one traced step: wall %.1f ms, summed op time %.1f ms%n",
            wallMicros / 1e3,
            totalMicros / 1e3));
    table(b, "op type", byOpType, n);
    table(b, "scope", byScope, n);
    return b.toString();
  }

  private void table(StringBuilder b, String title, List<Entry> rows, int n) {
    b.append(String.format(Locale.ROOT, "  %-36s %10s %6s %6s%n", title, "ms", "share", "ops"));
    for (Entry e : rows.subList(0, Math.min(n, rows.size()))) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %-36s %10.1f %5.1f%% %6d%n",
              e.key(),
              e.micros() / 1e3,
              totalMicros == 0 ? 0.0 : 100.0 * e.micros() / totalMicros,
              e.count()));
    }
  }
}
