package io.tfssl.bench.repro;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down correction of a family of p-values (Holm 1979, "A simple sequentially rejective
 * multiple test procedure"). claims.md tests a dozen claims at α = 0.05 each, so a few p-values
 * under 0.05 are expected by chance alone; the Holm-adjusted p-value of a claim is under 0.05 only
 * when the claim's test survives the whole family at a family-wise error rate of 0.05. Holm is
 * uniformly more powerful than Bonferroni and, like it, assumes nothing about how the tests depend
 * on each other (several claims share a row, e.g. the untrained floor).
 */
public final class HolmCorrection {
  private HolmCorrection() {}

  /**
   * The adjusted p-values, in the order of {@code p}: sort ascending, multiply the i-th smallest
   * (from 0) by m − i, carry the running maximum forward, cap at 1. NaN entries are not tests: they
   * stay NaN and do not count in m.
   */
  public static double[] adjust(double[] p) {
    Integer[] order =
        IntStream.range(0, p.length)
            .filter(i -> !Double.isNaN(p[i]))
            .boxed()
            .toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    int m = order.length;
    double[] out = new double[p.length];
    Arrays.fill(out, Double.NaN);
    double running = 0;
    for (int rank = 0; rank < m; rank++) {
      running = Math.max(running, Math.min(1.0, (m - rank) * p[order[rank]]));
      out[order[rank]] = running;
    }
    return out;
  }
}
