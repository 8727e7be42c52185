package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Norm ratios and angles against hand computations. */
class KernelChangeTest {
  @Test
  void oneKernelScaledAndTurnedByHand() {
    // init (1, 0); start (3, 0): three times the norm; end (3, 3): 45° from start.
    KernelChange c =
        KernelChange.of(
            Map.of("a", new float[] {1, 0}),
            Map.of("a", new float[] {3, 0}),
            Map.of("a", new float[] {3, 3}));
    assertEquals(3.0, c.scale(), 1e-12);
    assertEquals(45.0, c.turnDegrees(), 1e-9);
    assertEquals(3.0, c.layers().get("a").scale(), 1e-12);
    assertEquals(45.0, c.layers().get("a").turnDegrees(), 1e-9);
  }

  @Test
  void kernelsAreConcatenatedNotAveraged() {
    Map<String, float[]> init = new LinkedHashMap<>();
    init.put("a", new float[] {1, 0});
    init.put("b", new float[] {0, 0, 2});
    Map<String, float[]> start = new LinkedHashMap<>();
    start.put("a", new float[] {0, 4});
    start.put("b", new float[] {0, 0, 3});
    Map<String, float[]> end = new LinkedHashMap<>();
    end.put("a", new float[] {0, -4});
    end.put("b", new float[] {0, 0, 3});
    KernelChange c = KernelChange.of(init, start, end);
    // |start| = 5 over |init| = √5; start·end = -16 + 9 = -7 over 25.
    assertEquals(5 / Math.sqrt(5), c.scale(), 1e-12);
    assertEquals(Math.toDegrees(Math.acos(-7.0 / 25)), c.turnDegrees(), 1e-9);
    assertEquals(4.0, c.layers().get("a").scale(), 1e-12);
    assertEquals(180.0, c.layers().get("a").turnDegrees(), 1e-9);
    assertEquals(1.5, c.layers().get("b").scale(), 1e-12);
    assertEquals(0.0, c.layers().get("b").turnDegrees(), 1e-6);
  }

  @Test
  void snapshotsOfDifferentKernelsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            KernelChange.of(
                Map.of("a", new float[] {1}),
                Map.of("b", new float[] {1}),
                Map.of("a", new float[] {1})));
  }

  @Test
  void theStartKnowsItsScaleBeforeFineTuningEnds() {
    // init (0, 2); start (6, 8): |start| 10 over |init| 2; end (8, -6) is orthogonal to start.
    KernelChange.Start start =
        KernelChange.start(Map.of("a", new float[] {0, 2}), Map.of("a", new float[] {6, 8}));
    assertEquals(5.0, start.scale(), 1e-12);
    KernelChange c = start.to(Map.of("a", new float[] {8, -6}));
    assertEquals(5.0, c.scale(), 1e-12);
    assertEquals(90.0, c.turnDegrees(), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> start.to(Map.of("b", new float[] {1, 1})));
    assertThrows(IllegalArgumentException.class, () -> start.to(Map.of("a", new float[] {1})));
  }
}
