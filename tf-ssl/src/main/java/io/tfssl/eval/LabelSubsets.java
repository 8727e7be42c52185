package io.tfssl.eval;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded, class-balanced index subsets of a labelled set.
 *
 * <p>Every method is a pure function of its arguments: the same labels, fraction and seed give the
 * same indices on every JVM ({@link SplittableRandom} is specified bit-for-bit). Classes are
 * processed in increasing order, each with a Fisher-Yates shuffle of its own indices (in increasing
 * order) drawn from one generator seeded with {@code seed}.
 */
public final class LabelSubsets {
  private LabelSubsets() {}

  /**
   * A class-balanced subset for semi-supervised evaluation, like the 1% and 10% labelled ImageNet
   * subsets of SimCLR (Chen et al. 2020, §6 and App. B.5), which are sampled class-balanced.
   *
   * <p>From each class with {@code n_c > 0} examples it keeps {@code max(1, round(fraction * n_c))}
   * indices ({@link Math#round}, halves rounded up), chosen by a seeded shuffle; a class without
   * examples contributes none.
   *
   * @param labels the label of every example, in {@code [0, numClasses)}
   * @param fraction the fraction of every class to keep, in {@code (0, 1]}
   * @return the chosen indices into {@code labels}, sorted ascending
   * @throws IllegalArgumentException on a fraction outside {@code (0, 1]}, {@code numClasses < 1}
   *     or a label out of range
   */
  public static int[] balanced(int[] labels, int numClasses, double fraction, long seed) {
    if (!(fraction > 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException("fraction must be in (0, 1]: " + fraction);
    }
    int[][] byClass = byClass(labels, numClasses);
    SplittableRandom rng = new SplittableRandom(seed);
    int total = 0;
    int[] keep = new int[numClasses];
    for (int c = 0; c < numClasses; c++) {
      int n = byClass[c].length;
      keep[c] = n == 0 ? 0 : (int) Math.max(1, Math.min(n, Math.round(fraction * n)));
      total += keep[c];
    }
    int[] out = new int[total];
    int pos = 0;
    for (int c = 0; c < numClasses; c++) {
      shuffle(byClass[c], rng);
      System.arraycopy(byClass[c], 0, out, pos, keep[c]);
      pos += keep[c];
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * A stratified split into a training and a validation part, for choosing hyperparameters without
   * looking at the test set (the protocol of SimCLR App. B.8, following Kornblith et al. 2019:
   * select on a validation split held out from the training set, then retrain on all of it).
   *
   * <p>Each class with {@code n_c} examples sends {@code min(round(validationFraction * n_c), n_c -
   * 1)} of them, chosen by a seeded shuffle, to validation, so every class present keeps at least
   * one training example; a class with one example is never validated on. The two parts are
   * disjoint and together cover {@code [0, labels.length)}.
   *
   * @param validationFraction the share of every class to hold out, in {@code (0, 1)}
   * @return {@code {trainIndices, validationIndices}}, each sorted ascending
   * @throws IllegalArgumentException on a fraction outside {@code (0, 1)}, {@code numClasses < 1}
   *     or a label out of range
   */
  public static int[][] trainValidationSplit(
      int[] labels, int numClasses, double validationFraction, long seed) {
    if (!(validationFraction > 0.0 && validationFraction < 1.0)) {
      throw new IllegalArgumentException(
          "validationFraction must be in (0, 1): " + validationFraction);
    }
    int[][] byClass = byClass(labels, numClasses);
    SplittableRandom rng = new SplittableRandom(seed);
    int[] nVal = new int[numClasses];
    int totalVal = 0;
    for (int c = 0; c < numClasses; c++) {
      int n = byClass[c].length;
      nVal[c] = n == 0 ? 0 : (int) Math.min(Math.round(validationFraction * n), n - 1);
      totalVal += nVal[c];
    }
    int[] val = new int[totalVal];
    int[] train = new int[labels.length - totalVal];
    int vp = 0;
    int tp = 0;
    for (int c = 0; c < numClasses; c++) {
      int[] idx = byClass[c];
      shuffle(idx, rng);
      System.arraycopy(idx, 0, val, vp, nVal[c]);
      System.arraycopy(idx, nVal[c], train, tp, idx.length - nVal[c]);
      vp += nVal[c];
      tp += idx.length - nVal[c];
    }
    Arrays.sort(train);
    Arrays.sort(val);
    return new int[][] {train, val};
  }

  /** The indices of every class, each in increasing order; validates the labels. */
  private static int[][] byClass(int[] labels, int numClasses) {
    Objects.requireNonNull(labels, "labels");
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1: " + numClasses);
    }
    int[] counts = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      if (c < 0 || c >= numClasses) {
        throw new IllegalArgumentException(
            "label of example " + i + " is " + c + ", outside [0, " + numClasses + ")");
      }
      counts[c]++;
    }
    int[][] out = new int[numClasses][];
    for (int c = 0; c < numClasses; c++) {
      out[c] = new int[counts[c]];
    }
    int[] fill = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      out[labels[i]][fill[labels[i]]++] = i;
    }
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  private static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
