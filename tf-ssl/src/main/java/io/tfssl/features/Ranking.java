package io.tfssl.features;

/**
 * Top-k decisions on a row of class scores, shared by {@code LinearEval}, {@link KnnEval} and
 * {@code FineTune}.
 *
 * <p>Ties are broken towards the lower class index: class {@code c} ranks before class {@code c'}
 * when {@code s[c] > s[c']}, or {@code s[c] == s[c']} and {@code c < c'}. A NaN score of the true
 * class never counts as correct (a diverged classifier scores 0, not 100%).
 */
public final class Ranking {
  private Ranking() {}

  /** The top-1 class of {@code scores[off .. off + numClasses)}, lowest index on ties. */
  public static int argmax(float[] scores, int off, int numClasses) {
    int best = 0;
    for (int c = 1; c < numClasses; c++) {
      if (scores[off + c] > scores[off + best]) {
        best = c;
      }
    }
    return best;
  }

  /** Whether {@code label} is among the {@code k} best classes of the row at {@code off}. */
  public static boolean contains(float[] scores, int off, int numClasses, int label, int k) {
    float s = scores[off + label];
    if (Float.isNaN(s)) {
      return false;
    }
    int rank = 0;
    for (int c = 0; c < numClasses; c++) {
      float v = scores[off + c];
      if (v > s || (v == s && c < label)) {
        rank++;
      }
    }
    return rank < k;
  }

  /**
   * Counts, over {@code rows} rows of {@code numClasses} scores, how often the label is the top-1
   * class and how often it is among the top {@code k}: {@code {top1Hits, topKHits}}.
   */
  public static long[] hits(
      float[] scores, int rows, int numClasses, int[] labels, int labelOff, int k) {
    long top1 = 0;
    long topK = 0;
    for (int i = 0; i < rows; i++) {
      int off = i * numClasses;
      int label = labels[labelOff + i];
      if (contains(scores, off, numClasses, label, 1)) {
        top1++;
      }
      if (contains(scores, off, numClasses, label, k)) {
        topK++;
      }
    }
    return new long[] {top1, topK};
  }
}
