package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Holm's adjustment against hand computations of the step-down rule. */
class HolmCorrectionTest {
  @Test
  void stepDownByHand() {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → max so far 0.06.
    double[] adjusted = HolmCorrection.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, adjusted, 1e-12);
  }

  @Test
  void capsAtOneAndLeavesNonTestsOut() {
    // Two tests only (m = 2): 0.3·2 = 0.6, 0.7·1 = 0.7; the NaN is not counted.
    double[] adjusted = HolmCorrection.adjust(new double[] {0.7, Double.NaN, 0.3});
    assertEquals(0.7, adjusted[0], 1e-12);
    assertTrue(Double.isNaN(adjusted[1]));
    assertEquals(0.6, adjusted[2], 1e-12);
    assertEquals(1.0, HolmCorrection.adjust(new double[] {0.6, 0.9})[0], 1e-12, "1.2 capped");
  }

  @Test
  void aSingleTestIsUnchanged() {
    assertArrayEquals(new double[] {0.04}, HolmCorrection.adjust(new double[] {0.04}), 0);
  }
}
