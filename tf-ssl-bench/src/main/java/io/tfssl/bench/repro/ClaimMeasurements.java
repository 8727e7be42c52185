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
      double[] v = bySeed(runs, row, metric).values().stream().mapToDouble(x -> x).toArray();
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
    double[] rank = bySeed(runs, row, "rankY").values().stream().mapToDouble(x -> x).toArray();
    double[] bound =
        bySeed(runs, row, "rankBoundY").values().stream().mapToDouble(x -> x).toArray();
    if (rank.length == 0 || bound.length == 0) {
      return "";
    }
    double line = CollapseMonitor.RANK_Y_COLLAPSED_BELOW * StatUtils.mean(bound);
    double mean = StatUtils.mean(rank);
    // The projector's rank beside it: with BN at the projector output a collapse shows as few
    // directions of z (dimensional collapse) while y may keep many.
    double[] rankZ = bySeed(runs, row, "rankZ").values().stream().mapToDouble(x -> x).toArray();
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
}
