package io.tfssl;

import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * RankMe (Garrido et al. 2023, eq. 1) in double precision on commons-math3's SVD: the oracle the
 * in-graph {@code EffectiveRank} and {@code eval rank} are checked against.
 */
public final class RankMeOracle {
  private RankMeOracle() {}

  /** exp of the entropy of the singular values normalized to sum 1, plus 1e-7 each. */
  public static double rankMe(double[][] z) {
    double[] sigma =
        new SingularValueDecomposition(MatrixUtils.createRealMatrix(z)).getSingularValues();
    double l1 = 0;
    for (double s : sigma) {
      l1 += s;
    }
    double entropy = 0;
    for (double s : sigma) {
      double p = s / l1 + 1e-7;
      entropy -= p * Math.log(p);
    }
    return Math.exp(entropy);
  }

  /** The same for {@code n} rows of {@code d} floats, row-major. */
  public static double rankMe(float[] rows, int n, int d) {
    double[][] m = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        m[i][j] = rows[i * d + j];
      }
    }
    return rankMe(m);
  }
}
