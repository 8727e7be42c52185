package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.bench.repro.ClaimStatistic.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The claim statistic against SciPy: the p-values below were computed with {@code
 * scipy.stats.ttest_ind(a, b, equal_var=False).pvalue} (SciPy 1.17.1), Welch's test, and the noise
 * floors are half the width of that result's {@code confidence_interval(0.95)}.
 */
class ClaimStatisticTest {
  @Test
  void aClearGapIsReproducedWithWelchsPValue() {
    ClaimStatistic s =
        ClaimStatistic.of(new double[] {0.81, 0.83, 0.82}, new double[] {0.70, 0.74, 0.69});
    assertEquals(0.010821871285057585, s.p(), 1e-9, "SciPy's Welch p");
    assertEquals(0.82 - 0.71, s.difference(), 1e-12, "difference of the means by hand");
    assertEquals(0.05740656389274695, s.noiseFloor(), 1e-9, "SciPy's Welch interval / 2");
    assertTrue(s.ciLow() > 0 && s.ciHigh() > s.ciLow(), s.ciLow() + " " + s.ciHigh());
    assertEquals(Outcome.CLAIMED, s.outcome());
  }

  @Test
  void theSameGapTheOtherWayIsTheOpposite() {
    ClaimStatistic s =
        ClaimStatistic.of(new double[] {0.70, 0.74, 0.69}, new double[] {0.81, 0.83, 0.82});
    assertEquals(0.010821871285057585, s.p(), 1e-9);
    assertEquals(Outcome.OPPOSITE, s.outcome());
  }

  @Test
  void aGapInsideTheSeedsNoiseIsNotResolved() {
    ClaimStatistic s =
        ClaimStatistic.of(new double[] {0.81, 0.83, 0.82}, new double[] {0.80, 0.84, 0.81});
    assertEquals(0.8193716471583746, s.p(), 1e-9);
    assertEquals(0.04348296568082316, s.noiseFloor(), 1e-9, "SciPy's Welch interval / 2");
    assertEquals(Outcome.WITHIN_NOISE, s.outcome());
    ClaimStatistic wide =
        ClaimStatistic.of(new double[] {0.5, 0.9, 0.2}, new double[] {0.6, 0.95, 0.25});
    assertEquals(0.8272793107705692, wide.p(), 1e-9);
    assertTrue(wide.ciLow() < 0 && wide.ciHigh() > 0, "the interval straddles 0");
    assertEquals(Outcome.WITHIN_NOISE, wide.outcome());
  }

  @Test
  void noSpreadDecidesOnTheMeansAlone() {
    // Every seed equal on both sides (e.g. a collapsed row at exactly chance): t is infinite.
    ClaimStatistic s = ClaimStatistic.of(new double[] {0.8, 0.8}, new double[] {0.1, 0.1});
    assertEquals(0.0, s.p());
    assertEquals(0.7, s.ciLow(), 1e-12, "every resample has the same difference");
    assertEquals(0.0, s.noiseFloor());
    assertEquals(Outcome.CLAIMED, s.outcome());
  }

  @Test
  void oneSeedIsNotATest() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ClaimStatistic.of(new double[] {0.8}, new double[] {0.1, 0.2}));
  }
}
