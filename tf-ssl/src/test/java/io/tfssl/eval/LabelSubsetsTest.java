package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded class-balanced subsets and stratified train/validation splits. */
class LabelSubsetsTest {
  private static final int[] CLASS_SIZES = {100, 37, 5, 1, 250, 0, 64};

  /** Labels with CLASS_SIZES examples per class, in shuffled order. */
  private static int[] labels() {
    int n = Arrays.stream(CLASS_SIZES).sum();
    int[] labels = new int[n];
    int p = 0;
    for (int c = 0; c < CLASS_SIZES.length; c++) {
      for (int i = 0; i < CLASS_SIZES[c]; i++) {
        labels[p++] = c;
      }
    }
    Random r = new Random(3);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    return labels;
  }

  private static int[] countPerClass(int[] labels, int[] indices, int numClasses) {
    int[] counts = new int[numClasses];
    for (int i : indices) {
      counts[labels[i]]++;
    }
    return counts;
  }

  private static void assertSortedUniqueInRange(int[] idx, int n) {
    for (int i = 0; i < idx.length; i++) {
      assertTrue(idx[i] >= 0 && idx[i] < n, "index in range");
      if (i > 0) {
        assertTrue(idx[i] > idx[i - 1], "sorted and unique");
      }
    }
  }

  @Test
  void balancedKeepsRoundedFractionOfEveryClass() {
    int[] labels = labels();
    int c = CLASS_SIZES.length;
    for (double f : new double[] {0.01, 0.1, 0.5, 1.0}) {
      int[] idx = LabelSubsets.balanced(labels, c, f, 42);
      assertSortedUniqueInRange(idx, labels.length);
      int[] counts = countPerClass(labels, idx, c);
      for (int k = 0; k < c; k++) {
        int n = CLASS_SIZES[k];
        long expected = n == 0 ? 0 : Math.max(1, Math.round(f * n));
        assertEquals(expected, counts[k], "class " + k + " at fraction " + f);
      }
    }
    // 10% of 37 is 3.7 -> 4, of 5 is 0.5 -> 1, of 1 is 0.1 -> at least 1.
    int[] counts = countPerClass(labels, LabelSubsets.balanced(labels, c, 0.1, 7), c);
    assertArrayEquals(new int[] {10, 4, 1, 1, 25, 0, 6}, counts);
  }

  @Test
  void balancedIsSeeded() {
    int[] labels = labels();
    int[] a = LabelSubsets.balanced(labels, CLASS_SIZES.length, 0.1, 1);
    int[] b = LabelSubsets.balanced(labels, CLASS_SIZES.length, 0.1, 1);
    int[] other = LabelSubsets.balanced(labels, CLASS_SIZES.length, 0.1, 2);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, other));
    assertEquals(a.length, other.length);
  }

  @Test
  void balancedRejectsBadArguments() {
    int[] labels = {0, 1, 1};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LabelSubsets.balanced(labels, 2, 0.0, 1));
    assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LabelSubsets.balanced(labels, 2, 1.5, 1));
    assertThrows(
        IllegalArgumentException.class, () -> LabelSubsets.balanced(labels, 2, Double.NaN, 1));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelSubsets.balanced(new int[] {0, 2}, 2, 0.5, 1));
    assertTrue(e.getMessage().contains("example 1"), e.getMessage());
  }

  @Test
  void trainValidationSplitIsDisjointCompleteAndStratified() {
    int[] labels = labels();
    int c = CLASS_SIZES.length;
    int[][] split = LabelSubsets.trainValidationSplit(labels, c, 0.1, 5);
    int[] train = split[0];
    int[] val = split[1];
    assertSortedUniqueInRange(train, labels.length);
    assertSortedUniqueInRange(val, labels.length);
    assertEquals(labels.length, train.length + val.length);
    boolean[] seen = new boolean[labels.length];
    for (int i : train) {
      seen[i] = true;
    }
    for (int i : val) {
      assertFalse(seen[i], "index " + i + " in both parts");
      seen[i] = true;
    }
    for (boolean s : seen) {
      assertTrue(s);
    }
    int[] valCounts = countPerClass(labels, val, c);
    int[] trainCounts = countPerClass(labels, train, c);
    for (int k = 0; k < c; k++) {
      int n = CLASS_SIZES[k];
      long expected = n == 0 ? 0 : Math.min(Math.round(0.1 * n), n - 1);
      assertEquals(expected, valCounts[k], "validation count of class " + k);
      if (n > 0) {
        assertTrue(trainCounts[k] >= 1, "class " + k + " keeps a training example");
      }
    }
    assertArrayEquals(split[1], LabelSubsets.trainValidationSplit(labels, c, 0.1, 5)[1]);
    assertFalse(Arrays.equals(split[1], LabelSubsets.trainValidationSplit(labels, c, 0.1, 6)[1]));
  }

  @Test
  void trainValidationSplitRejectsBadFraction() {
    int[] labels = {0, 1, 1};
    for (double f : new double[] {0.0, 1.0, -0.1, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> LabelSubsets.trainValidationSplit(labels, 2, f, 1));
      assertTrue(e.getMessage().contains("validationFraction"), e.getMessage());
    }
  }
}
