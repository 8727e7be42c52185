package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.bench.repro.ClaimVerdict.Kind;
import org.junit.jupiter.api.Test;

/**
 * The verdict rules on statistics whose outcome and noise floor ClaimStatisticTest checks against
 * SciPy: a gap of 0.33 points (0.82 − 0.8167) inside a noise floor of ±4.35 points (values 0.81,
 * 0.83, 0.82 against 0.80, 0.84, 0.81).
 */
class ClaimVerdictTest {
  private static final ClaimStatistic WITHIN_NOISE =
      ClaimStatistic.of(new double[] {0.81, 0.83, 0.82}, new double[] {0.80, 0.84, 0.81});

  @Test
  void aSignificantGapIsReproducedWhateverThePaperSays() {
    ClaimStatistic clear =
        ClaimStatistic.of(new double[] {0.81, 0.83, 0.82}, new double[] {0.70, 0.74, 0.69});
    assertEquals(Kind.REPRODUCED, ClaimVerdict.of(67.6, clear, true, "m").kind());
    ClaimStatistic opposite =
        ClaimStatistic.of(new double[] {0.70, 0.74, 0.69}, new double[] {0.81, 0.83, 0.82});
    ClaimVerdict v = ClaimVerdict.of(67.6, opposite, false, "the rows");
    assertEquals(Kind.OPPOSITE, v.kind());
    assertTrue(v.words().contains("-11.00 points") && v.words().endsWith("measured: the rows"));
  }

  @Test
  void aPaperGapSmallerThanTheNoiseFloorIsBelowResolution() {
    ClaimVerdict v = ClaimVerdict.of(2.0, WITHIN_NOISE, false, "m");
    assertEquals(Kind.BELOW_RESOLUTION, v.kind());
    assertTrue(v.words().contains("2.0 points") && v.words().contains("±4.35 points"), v.words());
  }

  @Test
  void aLargePaperGapWithinOurNoiseIsNotReproducedOnceTheTableIsComplete() {
    assertEquals(Kind.NOT_RESOLVED_YET, ClaimVerdict.of(67.6, WITHIN_NOISE, true, "m").kind());
    ClaimVerdict v = ClaimVerdict.of(67.6, WITHIN_NOISE, false, "`no predictor` 86.74");
    assertEquals(Kind.NOT_REPRODUCED, v.kind());
    assertTrue(v.words().contains("+0.33 points"), v.words());
    assertTrue(v.words().contains("the paper's gap is 67.6 points"), v.words());
    assertTrue(v.words().endsWith("measured: `no predictor` 86.74"), v.words());
    // No paper number: not reproduced all the same (there is no gap to call below resolution).
    assertEquals(
        Kind.NOT_REPRODUCED, ClaimVerdict.of(Claim.NO_PAPER_GAP, WITHIN_NOISE, false, "m").kind());
  }
}
