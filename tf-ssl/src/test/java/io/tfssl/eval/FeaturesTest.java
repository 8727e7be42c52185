package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.features.Features;
import io.tfssl.features.Standardizer;
import org.junit.jupiter.api.Test;

/** Features validation and helpers; Standardizer statistics. */
class FeaturesTest {

  @Test
  void constructorRejectsInconsistentShapesAndLabels() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Features(new float[5], 2, 3, new int[] {0, 1}, 2));
    assertTrue(e.getMessage().contains("count x dim"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Features(new float[6], 2, 3, new int[] {0}, 2));
    assertTrue(e.getMessage().contains("labels"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Features(new float[6], 2, 3, new int[] {0, 2}, 2));
    assertTrue(
        e.getMessage().contains("row 1") && e.getMessage().contains("[0, 2)"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Features(new float[6], 2, 3, new int[] {0, -1}, 2));
    assertThrows(
        IllegalArgumentException.class, () -> new Features(new float[0], 0, 0, new int[0], 2));
    assertThrows(
        IllegalArgumentException.class, () -> new Features(new float[0], 0, 3, new int[0], 0));
  }

  @Test
  void rowSubsetAndNormalize() {
    Features f =
        new Features(new float[] {3, 4, 0, 0, -1, 0, 6, 8}, 4, 2, new int[] {1, 0, 2, 1}, 3);
    assertArrayEquals(new float[] {6, 8}, f.row(3));
    Features s = f.subset(new int[] {3, 0, 3});
    assertEquals(3, s.count());
    assertArrayEquals(new int[] {1, 1, 1}, s.labels());
    assertArrayEquals(new float[] {6, 8, 3, 4, 6, 8}, s.data());
    Features n = f.l2Normalized();
    assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, -1, 0, 0.6f, 0.8f}, n.data(), 1e-6f);
    assertArrayEquals(new float[] {3, 4, 0, 0, -1, 0, 6, 8}, f.data()); // untouched
    assertThrows(IndexOutOfBoundsException.class, () -> f.subset(new int[] {4}));
  }

  @Test
  void standardizerUsesStatisticsOfTheSetItWasFittedOn() {
    Features train = EvalTestData.gaussian(500, 4, 2, 1);
    float[] shifted = train.data().clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] = 10 + 3 * shifted[i];
    }
    Features trainShifted = new Features(shifted, 500, 4, train.labels(), 2);
    Standardizer st = trainShifted.standardizer();
    Features z = st.apply(trainShifted);
    for (int j = 0; j < 4; j++) {
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < 500; i++) {
        sum += z.data()[i * 4 + j];
        sq += z.data()[i * 4 + j] * z.data()[i * 4 + j];
      }
      assertEquals(0.0, sum / 500, 1e-4);
      assertEquals(1.0, sq / 500, 1e-3); // population variance, as batch norm uses
    }
    // Applied to another set, the train statistics are used (not the other set's own).
    Features other = new Features(new float[] {10, 10, 10, 10}, 1, 4, new int[] {0}, 2);
    float[] o = st.apply(other).data();
    for (int j = 0; j < 4; j++) {
      assertEquals((10 - st.mean()[j]) / st.std()[j], o[j], 1e-5);
    }
  }

  @Test
  void constantDimensionMapsToZero() {
    Features f = new Features(new float[] {1, 5, 2, 5, 3, 5}, 3, 2, new int[] {0, 0, 0}, 1);
    Standardizer st = f.standardizer();
    assertEquals((float) Standardizer.MIN_STD, st.std()[1]);
    Features z = st.apply(f);
    for (int i = 0; i < 3; i++) {
      assertEquals(0f, z.data()[i * 2 + 1]);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> st.apply(new Features(new float[3], 1, 3, new int[] {0}, 1)));
  }
}
