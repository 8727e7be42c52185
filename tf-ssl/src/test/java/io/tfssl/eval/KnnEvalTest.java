package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tfssl.features.Features;
import io.tfssl.features.KnnEval;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/** The TF-graph weighted kNN against a brute-force Java reference and hand-built cases. */
class KnnEvalTest {

  /**
   * Reference: cosine similarities in double precision, the k most similar bank rows (lower bank
   * index first on equal similarity), weights exp(s / T) summed per class.
   */
  private static double[][] referenceScores(Features bank, Features queries, int k, double t) {
    int d = bank.dim();
    double[][] out = new double[queries.count()][bank.numClasses()];
    double[] bankNorm = new double[bank.count()];
    for (int b = 0; b < bank.count(); b++) {
      bankNorm[b] = norm(bank.row(b));
    }
    int kk = Math.min(k, bank.count());
    for (int q = 0; q < queries.count(); q++) {
      float[] qr = queries.row(q);
      double qn = norm(qr);
      double[] sim = new double[bank.count()];
      for (int b = 0; b < bank.count(); b++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += (double) qr[j] * bank.data()[b * d + j];
        }
        sim[b] = dot / (qn * bankNorm[b]);
      }
      Integer[] order = new Integer[bank.count()];
      Arrays.setAll(order, i -> i);
      Arrays.sort(
          order, Comparator.<Integer>comparingDouble(i -> -sim[i]).thenComparingInt(i -> i));
      for (int n = 0; n < kk; n++) {
        int b = order[n];
        out[q][bank.labels()[b]] += Math.exp(sim[b] / t);
      }
    }
    return out;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static void assertMatchesReference(Features bank, Features queries, KnnEval.Config cfg) {
    float[] scores = KnnEval.classScores(bank, queries, cfg);
    int[] predictions = KnnEval.predict(bank, queries, cfg);
    double[][] ref = referenceScores(bank, queries, cfg.k(), cfg.temperature());
    int c = bank.numClasses();
    int[] refPred = new int[queries.count()];
    int top1 = 0;
    int top5 = 0;
    for (int q = 0; q < queries.count(); q++) {
      for (int k = 0; k < c; k++) {
        assertEquals(
            ref[q][k],
            scores[q * c + k],
            1e-4 * Math.max(1.0, ref[q][k]),
            "score of query " + q + ", class " + k);
      }
      refPred[q] = argmax(ref[q]);
      int label = queries.labels()[q];
      top1 += refPred[q] == label ? 1 : 0;
      int rank = 0;
      for (int k = 0; k < c; k++) {
        if (ref[q][k] > ref[q][label] || (ref[q][k] == ref[q][label] && k < label)) {
          rank++;
        }
      }
      top5 += rank < Math.min(5, c) ? 1 : 0;
    }
    assertArrayEquals(refPred, predictions);
    KnnEval.Result r = KnnEval.evaluate(bank, queries, cfg);
    assertEquals((double) top1 / queries.count(), r.top1(), 1e-12);
    assertEquals((double) top5 / queries.count(), r.top5(), 1e-12);
    assertEquals(Math.min(cfg.k(), bank.count()), r.k());
    assertEquals(bank.count(), r.bankSize());
    assertEquals(queries.count(), r.querySize());
  }

  @Test
  void matchesBruteForceOnRandomData() {
    Features bank = EvalTestData.gaussian(400, 16, 7, 1);
    Features queries = EvalTestData.gaussian(150, 16, 7, 2);
    // queryBatch 64 does not divide 150: the last chunk is partial.
    assertMatchesReference(bank, queries, new KnnEval.Config(20, 0.1, 64, 0));
    assertMatchesReference(bank, queries, new KnnEval.Config(1, 0.5, 150, 0));
  }

  @Test
  void kLargerThanBankUsesTheWholeBank() {
    Features bank = EvalTestData.gaussian(30, 8, 4, 3);
    Features queries = EvalTestData.gaussian(25, 8, 4, 4);
    KnnEval.Config cfg = KnnEval.Config.defaults(); // k = 200 > 30
    assertMatchesReference(bank, queries, cfg);
    assertArrayEquals(
        KnnEval.classScores(bank, queries, cfg.withK(30)),
        KnnEval.classScores(bank, queries, cfg),
        0f);
    assertEquals(30, KnnEval.evaluate(bank, queries, cfg).k());
  }

  /** Features of 2-D points at the given angles (radians) and radii. */
  private static Features circle(double[] angles, double[] radii, int[] labels, int classes) {
    float[] data = new float[angles.length * 2];
    for (int i = 0; i < angles.length; i++) {
      data[2 * i] = (float) (radii[i] * Math.cos(angles[i]));
      data[2 * i + 1] = (float) (radii[i] * Math.sin(angles[i]));
    }
    return new Features(data, angles.length, 2, labels, classes);
  }

  @Test
  void pointsOnACircleTakeTheLabelOfTheirArc() {
    // Class 0 around angle 0, class 1 around pi/2, class 2 around pi; radii vary (cosine ignores
    // them).
    double[] angles = {-0.2, 0.0, 0.2, 1.4, 1.6, 1.7, 2.9, 3.1, 3.3};
    double[] radii = {1, 5, 0.3, 2, 1, 7, 0.5, 1, 3};
    Features bank = circle(angles, radii, new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, 3);
    Features queries =
        circle(
            new double[] {0.1, 1.5, -3.0, 1.0},
            new double[] {1, 10, 0.1, 1},
            new int[] {0, 1, 2, 1},
            3);
    KnnEval.Config cfg = new KnnEval.Config(3, 0.1, 256, 0);
    // The query at 1.0 rad: its 3 nearest bank points (1.4, 1.6, 1.7) are all class 1.
    assertArrayEquals(new int[] {0, 1, 2, 1}, KnnEval.predict(bank, queries, cfg));
    KnnEval.Result r = KnnEval.evaluate(bank, queries, cfg);
    assertEquals(1.0, r.top1());
    assertEquals(1.0, r.top5()); // 3 classes: top-3
  }

  @Test
  void votesAreWeightedBySimilarity() {
    // One bank point identical to the query (class 0) and two at 60 degrees (class 1), k = 3.
    Features bank =
        circle(
            new double[] {0.0, Math.PI / 3, -Math.PI / 3},
            new double[] {1, 1, 1},
            new int[] {0, 1, 1},
            2);
    Features query = circle(new double[] {0.0}, new double[] {1}, new int[] {0}, 2);
    // T = 0.1: exp(10) beats 2 exp(5); T = 10: exp(0.1) loses to 2 exp(0.05).
    assertArrayEquals(
        new int[] {0}, KnnEval.predict(bank, query, new KnnEval.Config(3, 0.1, 16, 0)));
    assertArrayEquals(
        new int[] {1}, KnnEval.predict(bank, query, new KnnEval.Config(3, 10.0, 16, 0)));
    float[] s = KnnEval.classScores(bank, query, new KnnEval.Config(3, 0.1, 16, 0));
    assertEquals(Math.exp(10), s[0], 1e-3 * Math.exp(10));
    assertEquals(2 * Math.exp(5), s[1], 1e-3 * Math.exp(5));
  }

  @Test
  void tiedNeighboursResolveToTheLowerBankIndex() {
    // Rows 1 and 2 point the same way, so they tie; with k = 1 the lower index (row 1) votes.
    Features bank = new Features(new float[] {0, 1, 1, 0, 2, 0}, 3, 2, new int[] {0, 2, 1}, 3);
    Features query = new Features(new float[] {1, 0}, 1, 2, new int[] {2}, 3);
    assertArrayEquals(
        new int[] {2}, KnnEval.predict(bank, query, new KnnEval.Config(1, 0.1, 8, 0)));
    // With k = 2 classes 2 and 1 tie on score: the lower class index (1) is predicted.
    assertArrayEquals(
        new int[] {1}, KnnEval.predict(bank, query, new KnnEval.Config(2, 0.1, 8, 0)));
  }

  @Test
  void rejectsBadInput() {
    assertThrows(IllegalArgumentException.class, () -> new KnnEval.Config(0, 0.1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new KnnEval.Config(1, 0.0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new KnnEval.Config(1, 0.001, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new KnnEval.Config(1, 0.1, 0, 0));
    Features a = EvalTestData.gaussian(5, 3, 2, 1);
    Features b = EvalTestData.gaussian(5, 4, 2, 1);
    assertThrows(
        IllegalArgumentException.class, () -> KnnEval.evaluate(a, b, KnnEval.Config.defaults()));
  }
}
