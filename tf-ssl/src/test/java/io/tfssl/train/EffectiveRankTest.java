package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.RankMeOracle;
import io.tfssl.TestGraphs;
import java.util.Random;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * RankMe in the graph against closed forms and against the paper's formula evaluated on
 * commons-math3's singular values (an SVD independent of TF's).
 */
class EffectiveRankTest {

  private static double rankMe(double[][] z) {
    float[][] f = new float[z.length][z[0].length];
    for (int i = 0; i < z.length; i++) {
      for (int j = 0; j < z[0].length; j++) {
        f[i][j] = (float) z[i][j];
      }
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      return TestGraphs.fetch(s, EffectiveRank.rankMe(tf, tf.constant(f)))[0];
    }
  }

  private static double[][] gaussian(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] z = new double[n][d];
    for (double[] row : z) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return z;
  }

  @Test
  void kOrthonormalDirectionsWithEqualWeightReadK() {
    // Z = A·B with A [N, k] and B [k, d] both with orthonormal columns/rows: k singular values
    // all equal to 1, the rest 0, so the entropy is log k exactly (up to ε).
    int n = 128;
    int d = 64;
    for (int k : new int[] {1, 5, 17}) {
      RealMatrix a =
          new QRDecomposition(MatrixUtils.createRealMatrix(gaussian(n, k, k)))
              .getQ()
              .getSubMatrix(0, n - 1, 0, k - 1);
      RealMatrix b =
          new QRDecomposition(MatrixUtils.createRealMatrix(gaussian(d, k, 100 + k)))
              .getQ()
              .getSubMatrix(0, d - 1, 0, k - 1)
              .transpose();
      double rank = rankMe(a.multiply(b).getData());
      assertEquals(k, rank, 0.01 * k, "rank-" + k + " matrix with equal singular values");
    }
  }

  @Test
  void identicalRowsReadOne() {
    double[][] z = new double[96][40];
    double[] v = gaussian(1, 40, 3)[0];
    Random r = new Random(4);
    for (double[] row : z) {
      double scale = 0.5 + r.nextDouble(); // one direction, different lengths: still rank 1
      for (int j = 0; j < v.length; j++) {
        row[j] = v[j] * scale;
      }
    }
    assertEquals(1.0, rankMe(z), 0.01);
    double[][] constant = new double[50][30];
    for (double[] row : constant) {
      java.util.Arrays.fill(row, 0.7);
    }
    assertEquals(1.0, rankMe(constant), 0.01);
  }

  @Test
  void whiteNoiseReadsNearItsDimension() {
    // An [N, d] Gaussian matrix with N = 16d has singular values within about ±25% of √N
    // (Marchenko-Pastur: between √N (1 ± √(d/N))), so its normalized spectrum is nearly flat
    // and the effective rank is a little below d; the paper's formula on an independent SVD
    // gives the exact expected value.
    int d = 32;
    double[][] z = gaussian(16 * d, d, 5);
    double rank = rankMe(z);
    assertEquals(RankMeOracle.rankMe(z), rank, 1e-3 * d);
    assertTrue(rank > 0.97 * d && rank <= d, "white noise rank " + rank + " of " + d);
  }

  @Test
  void equalsThePaperFormulaOnAnIndependentSvd() {
    // A decaying spectrum, as trained embeddings have: column j scaled by 0.8^j.
    double[][] z = gaussian(200, 48, 6);
    for (double[] row : z) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= Math.pow(0.8, j);
      }
    }
    double expected = RankMeOracle.rankMe(z);
    assertEquals(expected, rankMe(z), 1e-4 * expected);
    assertTrue(expected > 5 && expected < 40, "a spectrum between the extremes: " + expected);
  }

  @Test
  void neverExceedsTheSmallerSide() {
    // 16 rows in 64 dimensions: at most 16 directions, whatever d is.
    double rank = rankMe(gaussian(16, 64, 7));
    assertTrue(rank <= 16.0001 && rank > 12, "rank " + rank);
  }
}
