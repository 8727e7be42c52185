package io.tfssl.bench.repro;

import java.util.Locale;

/**
 * A claim's verdict from its statistic, the paper's own gap and whether the table is complete.
 *
 * <ul>
 *   <li><b>reproduced</b>: the difference is significant in the claim's direction.
 *   <li><b>not reproduced: the opposite</b>: significant in the other direction.
 *   <li><b>below this scale's resolution</b>: not significant, and the paper's own gap is smaller
 *       than the noise floor of our seeds (both numbers given), so these seeds could not have seen
 *       it.
 *   <li><b>not resolved yet</b>: not significant on a table that still misses runs.
 *   <li><b>not reproduced at this scale</b>: not significant on a complete table although the
 *       paper's gap is larger than our noise floor; the rows' measurements say what happened
 *       instead.
 *   <li><b>not measured</b>: no table, a table at another scale, or fewer than two seeds a side.
 * </ul>
 *
 * @param kind the verdict
 * @param words the verdict as claims.md prints it
 */
public record ClaimVerdict(Kind kind, String words) {

  public enum Kind {
    REPRODUCED,
    OPPOSITE,
    BELOW_RESOLUTION,
    NOT_RESOLVED_YET,
    NOT_REPRODUCED,
    NOT_MEASURED
  }

  public static ClaimVerdict notMeasured(String why) {
    return new ClaimVerdict(Kind.NOT_MEASURED, "not measured: " + why);
  }

  /**
   * @param paperGap the paper's gap in points of top-1, NaN when it has none
   * @param s the test of the claim on this scale's seeds
   * @param partial whether the table still misses some of its planned runs
   * @param measured the rows' measurements in words, quoted when the claim is not reproduced
   */
  public static ClaimVerdict of(
      double paperGap, ClaimStatistic s, boolean partial, String measured) {
    double floor = 100 * s.noiseFloor();
    double diff = 100 * s.difference();
    return switch (s.outcome()) {
      case CLAIMED -> new ClaimVerdict(Kind.REPRODUCED, "reproduced");
      case OPPOSITE ->
          new ClaimVerdict(
              Kind.OPPOSITE,
              String.format(
                  Locale.ROOT,
                  "not reproduced: the opposite is significant at this scale (%+.2f points);"
                      + " measured: %s",
                  diff,
                  measured));
      case WITHIN_NOISE -> {
        if (Double.isFinite(paperGap) && paperGap < floor) {
          yield new ClaimVerdict(
              Kind.BELOW_RESOLUTION,
              String.format(
                  Locale.ROOT,
                  "below this scale's resolution: the paper's gap, %.1f points, is smaller than"
                      + " the noise floor of these seeds, ±%.2f points",
                  paperGap,
                  floor));
        }
        if (partial) {
          yield new ClaimVerdict(
              Kind.NOT_RESOLVED_YET,
              String.format(
                  Locale.ROOT,
                  "not resolved yet: %+.2f points is within the noise floor of the seeds run so"
                      + " far (±%.2f); the table is partial",
                  diff,
                  floor));
        }
        yield new ClaimVerdict(
            Kind.NOT_REPRODUCED,
            String.format(
                Locale.ROOT,
                "not reproduced at this scale: %+.2f points is within the noise floor (±%.2f)%s;"
                    + " measured: %s",
                diff,
                floor,
                Double.isFinite(paperGap)
                    ? String.format(Locale.ROOT, " where the paper's gap is %.1f points", paperGap)
                    : "",
                measured));
      }
    };
  }
}
