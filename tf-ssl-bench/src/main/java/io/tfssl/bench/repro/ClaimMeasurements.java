package io.tfssl.bench.repro;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfssl.train.CollapseMonitor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.math3.stat.StatUtils;

/**
 * What a claim's rows measured, in words: each row's mean ± std over the seeds, the table's
 * untrained floor when it has one, and the encoder's effective rank of the row the claim says is
 * worse against the collapse rule's line (with the projector's rank beside it). A verdict of "not
 * reproduced" quotes it, so that the reader sees whether the failing row collapsed, sat at the
 * floor, or trained well.
 */
final class ClaimMeasurements {
  private ClaimMeasurements() {}

  /** A row's finite values of {@code metric}, by seed (a diverged run has none). */
  static Map<Long, Double> bySeed(List<JsonNode> runs, String row, String metric) {
    Map<Long, Double> out = new TreeMap<>();
    for (JsonNode r : runs) {
      if (r.path("row").asText().equals(row)) {
        double v = r.path(metric).asDouble(Double.NaN);
        if (r.path(metric).isNumber() && Double.isFinite(v)) {
          out.put(r.path("seed").asLong(), v);
        }
      }
    }
    return out;
  }

  static String describe(List<JsonNode> runs, Claim c, String metric) {
    Set<String> rows = new LinkedHashSet<>();
    for (Claim.Quantity q : List.of(c.higher(), c.lower())) {
      rows.add(q.row());
      if (q.minusRow() != null) {
        rows.add(q.minusRow());
      }
    }
    if (runs.stream().anyMatch(r -> r.path("row").asText().equals(ReproTable.UNTRAINED))) {
      rows.add(ReproTable.UNTRAINED);
    }
    List<String> parts = new ArrayList<>();
    for (String row : rows) {
      double[] v = values(runs, row, metric);
      if (v.length > 0) {
        parts.add(
            String.format(
                Locale.ROOT,
                "`%s` %.2f ± %.2f (n = %d)",
                row,
                100 * StatUtils.mean(v),
                v.length > 1 ? 100 * Math.sqrt(StatUtils.variance(v)) : 0.0,
                v.length));
      }
    }
    String out = String.join(", ", parts);
    if (c.lower().minusRow() == null) {
      out += rank(runs, c.lower().row());
    }
    return out;
  }

  /** The row's mean encoder rank (the log's last rank_y) against the collapse rule's line. */
  private static String rank(List<JsonNode> runs, String row) {
    double[] rank = values(runs, row, "rankY");
    double[] bound = values(runs, row, "rankBoundY");
    if (rank.length == 0 || bound.length == 0) {
      return "";
    }
    double line = CollapseMonitor.RANK_Y_COLLAPSED_BELOW * StatUtils.mean(bound);
    double mean = StatUtils.mean(rank);
    // The projector's rank beside it: with BN at the projector output a collapse shows as few
    // directions of z (dimensional collapse) while y may keep many.
    double[] rankZ = values(runs, row, "rankZ");
    return String.format(
        Locale.ROOT,
        "; `%s`'s encoder rank_y %.1f of %.0f (%s the collapse rule's line, %.1f)%s",
        row,
        mean,
        StatUtils.mean(bound),
        mean < line ? "below" : "above",
        line,
        rankZ.length == 0
            ? ""
            : String.format(Locale.ROOT, ", projector rank_z %.1f", StatUtils.mean(rankZ)));
  }

  /**
   * Lines for the rows that repeat a claim's two rows at another setting (the semi-supervised
   * table's fine-tuning lr, "byol, 1% labels (lr 0.3)"): each pair's difference and Welch test. A
   * diagnosis beside the verdict, which is decided on the claim's own rows only.
   */
  static List<String> variants(List<JsonNode> runs, Claim c, String metric) {
    String higher = c.higher().row();
    String lower = c.lower().row();
    Set<String> suffixes = new LinkedHashSet<>();
    for (JsonNode r : runs) {
      String row = r.path("row").asText();
      if (c.higher().minusRow() == null && row.startsWith(higher + " (")) {
        suffixes.add(row.substring(higher.length()));
      }
    }
    List<String> out = new ArrayList<>();
    for (String suffix : suffixes) {
      double[] a = values(runs, higher + suffix, metric);
      double[] b = values(runs, lower + suffix, metric);
      String head =
          String.format(Locale.ROOT, "`%s` against `%s`: ", higher + suffix, lower + suffix);
      if (a.length < ClaimStatistic.MIN_SEEDS || b.length < ClaimStatistic.MIN_SEEDS) {
        out.add(head + String.format(Locale.ROOT, "%d and %d seeds so far", a.length, b.length));
        continue;
      }
      ClaimStatistic st = ClaimStatistic.of(a, b);
      out.add(
          head
              + String.format(
                  Locale.ROOT,
                  "%.2f ± %.2f against %.2f ± %.2f (n = %d, %d), difference %+.2f points, Welch p"
                      + " = %.3f",
                  100 * StatUtils.mean(a),
                  100 * Math.sqrt(StatUtils.variance(a)),
                  100 * StatUtils.mean(b),
                  100 * Math.sqrt(StatUtils.variance(b)),
                  a.length,
                  b.length,
                  100 * st.difference(),
                  st.p()));
    }
    return out;
  }

  /**
   * The fine-tuned encoder's kernels for the rows starting with {@code row}: their norm at the
   * start against a fresh initialization and the angle fine-tuning turned them, means over the runs
   * that measured them; null when none did.
   */
  static String kernels(List<JsonNode> runs, String row) {
    Map<String, double[]> byRow = new java.util.LinkedHashMap<>();
    for (JsonNode r : runs) {
      String name = r.path("row").asText();
      if ((name.equals(row) || name.startsWith(row + " (")) && r.path("kernelScale").isNumber()) {
        double[] acc = byRow.computeIfAbsent(name, k -> new double[3]);
        acc[0] += r.path("kernelScale").asDouble();
        acc[1] += r.path("kernelTurnDegrees").asDouble();
        acc[2]++;
      }
    }
    if (byRow.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    byRow.forEach(
        (name, acc) ->
            parts.add(
                String.format(
                    Locale.ROOT,
                    "`%s` %.2f× a fresh initialization's norm, turned %.1f°",
                    name,
                    acc[0] / acc[2],
                    acc[1] / acc[2])));
    return String.join("; ", parts);
  }

  /** A row's finite values of {@code metric}, in seed order. */
  private static double[] values(List<JsonNode> runs, String row, String metric) {
    return bySeed(runs, row, metric).values().stream().mapToDouble(x -> x).toArray();
  }
}
