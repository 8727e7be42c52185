package io.tfssl.bench.repro;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The statistics behind a claim's verdict: the difference of the two quantities' means over the
 * seeds, Welch's t-test (two-sided; the seeds of two rows are independent runs with possibly
 * different spreads, so no pooled variance), and a percentile bootstrap interval of the difference
 * (seeds resampled within each quantity). The difference is significant in the claim's direction
 * only when both say it is positive, in the opposite direction only when both say it is negative.
 * The noise floor is the half-width of Welch's 95% t-interval of the difference: the smallest gap
 * these seeds can tell from zero. {@link ClaimVerdict} turns these into a verdict.
 *
 * @param higher the values of the quantity the claim says is larger, one per seed
 * @param lower the values of the other quantity
 * @param difference mean(higher) − mean(lower)
 * @param ciLow lower end of the 95% bootstrap interval of the difference
 * @param ciHigh upper end
 * @param p Welch's two-sided p-value (NaN when it cannot be computed)
 * @param noiseFloor half-width of Welch's 95% t-interval of the difference (0 without spread)
 */
public record ClaimStatistic(
    double[] higher,
    double[] lower,
    double difference,
    double ciLow,
    double ciHigh,
    double p,
    double noiseFloor) {

  /** The level the verdicts use. */
  public static final double ALPHA = 0.05;

  /** Bootstrap resamples; fixed seed, so that claims.md is the same for the same tables. */
  static final int RESAMPLES = 10_000;

  /** The seeds a quantity needs before a test is run. */
  public static final int MIN_SEEDS = 2;

  /** What the test says about the claim's direction. */
  public enum Outcome {
    CLAIMED("significant in the claim's direction"),
    OPPOSITE("significant in the opposite direction"),
    WITHIN_NOISE("within the seeds' noise");

    public final String words;

    Outcome(String words) {
      this.words = words;
    }
  }

  /** Tests {@code higher > lower}; both need {@link #MIN_SEEDS} values. */
  public static ClaimStatistic of(double[] higher, double[] lower) {
    if (higher.length < MIN_SEEDS || lower.length < MIN_SEEDS) {
      throw new IllegalArgumentException(
          "a test needs "
              + MIN_SEEDS
              + " seeds per side, got "
              + higher.length
              + " and "
              + lower.length);
    }
    double diff = StatUtils.mean(higher) - StatUtils.mean(lower);
    double p;
    if (StatUtils.variance(higher) + StatUtils.variance(lower) == 0) {
      // No spread at all: t is infinite unless the means are equal too.
      p = diff == 0 ? 1.0 : 0.0;
    } else {
      p = new TTest().tTest(higher, lower);
    }
    Random random = new Random(20201207L);
    double[] diffs = new double[RESAMPLES];
    for (int i = 0; i < RESAMPLES; i++) {
      diffs[i] = resampledMean(higher, random) - resampledMean(lower, random);
    }
    Arrays.sort(diffs);
    return new ClaimStatistic(
        higher.clone(),
        lower.clone(),
        diff,
        diffs[(int) Math.floor(0.025 * (RESAMPLES - 1))],
        diffs[(int) Math.ceil(0.975 * (RESAMPLES - 1))],
        p,
        welchHalfWidth(higher, lower));
  }

  /**
   * t(0.975, ν) · √(s₁²/n₁ + s₂²/n₂) with the Welch–Satterthwaite degrees of freedom ν: half the
   * width of the 95% interval that {@code scipy.stats.ttest_ind(equal_var=False)} reports.
   */
  static double welchHalfWidth(double[] a, double[] b) {
    double va = StatUtils.variance(a) / a.length;
    double vb = StatUtils.variance(b) / b.length;
    if (va + vb == 0) {
      return 0;
    }
    double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
    return new TDistribution(df).inverseCumulativeProbability(1 - ALPHA / 2) * Math.sqrt(va + vb);
  }

  private static double resampledMean(double[] x, Random random) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += x[random.nextInt(x.length)];
    }
    return sum / x.length;
  }

  public Outcome outcome() {
    if (!(p < ALPHA)) {
      return Outcome.WITHIN_NOISE;
    }
    if (difference > 0 && ciLow > 0) {
      return Outcome.CLAIMED;
    }
    if (difference < 0 && ciHigh < 0) {
      return Outcome.OPPOSITE;
    }
    return Outcome.WITHIN_NOISE;
  }
}
