package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.train.Gradients;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * SwAV's codes have the marginals Sinkhorn-Knopp prescribes, and no gradient goes through them.
 *
 * <p>Tolerances: the rows (samples) are normalized last, so each sums to 1 up to float32 rounding
 * of a K-term sum (1e-5 here). The columns (prototypes) were normalized exactly to B/K one
 * half-iteration earlier, and the last row normalization moves them again: after 3 iterations they
 * are only approximately balanced, which is what SwAV settles for (§3.1, "only 3 iterations"). How
 * far off depends on how peaked exp(score/ε) is. For cosine scores of random 128-d unit vectors
 * (SwAV's projection width) with ε = 0.05, B = 256 and K = 32, the worst column sum over 200 random
 * draws was 4.6% off B/K (1.4% on average; measured with a double-precision copy of the algorithm),
 * so the test allows 10%; with 6-d vectors, whose scores spread over [−1, 1], it is about 50% after
 * 3 iterations. The error shrinks with every iteration and is below 0.1% after 50, so the deviation
 * is the algorithm's truncation, not a bug. Each code also matches a double-precision run of the
 * same algorithm.
 */
class SinkhornKnoppTest {
  static final int B = 256;
  static final int K = 32;

  /**
   * Cosine scores between B random unit vectors and K random unit prototypes of SwAV's 128
   * dimensions, [B][K].
   */
  static float[][] randomCosineScores(long seed) {
    Random r = new Random(seed);
    int d = 128;
    double[][] z = new double[B][d];
    double[][] c = new double[K][d];
    for (double[][] m : new double[][][] {z, c}) {
      for (double[] row : m) {
        double n = 0;
        for (int j = 0; j < d; j++) {
          row[j] = r.nextGaussian();
          n += row[j] * row[j];
        }
        for (int j = 0; j < d; j++) {
          row[j] /= Math.sqrt(n);
        }
      }
    }
    float[][] s = new float[B][K];
    for (int b = 0; b < B; b++) {
      for (int k = 0; k < K; k++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += z[b][j] * c[k][j];
        }
        s[b][k] = (float) dot;
      }
    }
    return s;
  }

  /** Sinkhorn-Knopp in double precision, SwAV's Algorithm 1 on the transposed [B][K] matrix. */
  static double[][] sinkhornByHand(float[][] scores, int iterations, double eps) {
    double[][] q = new double[B][K];
    double total = 0;
    for (int b = 0; b < B; b++) {
      for (int k = 0; k < K; k++) {
        q[b][k] = Math.exp(scores[b][k] / eps);
        total += q[b][k];
      }
    }
    for (double[] row : q) {
      for (int k = 0; k < K; k++) {
        row[k] /= total;
      }
    }
    for (int it = 0; it < iterations; it++) {
      for (int k = 0; k < K; k++) {
        double col = 0;
        for (int b = 0; b < B; b++) {
          col += q[b][k];
        }
        for (int b = 0; b < B; b++) {
          q[b][k] /= col * K;
        }
      }
      for (int b = 0; b < B; b++) {
        double row = 0;
        for (int k = 0; k < K; k++) {
          row += q[b][k];
        }
        for (int k = 0; k < K; k++) {
          q[b][k] /= row * B;
        }
      }
    }
    for (double[] row : q) {
      for (int k = 0; k < K; k++) {
        row[k] *= B;
      }
    }
    return q;
  }

  static float[] codesInGraph(float[][] scores, int iterations, float eps) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      return TestGraphs.fetch(s, SinkhornKnopp.codes(tf, tf.constant(scores), iterations, eps));
    }
  }

  static double maxColumnError(float[] q) {
    double worst = 0;
    for (int k = 0; k < K; k++) {
      double col = 0;
      for (int b = 0; b < B; b++) {
        col += q[b * K + k];
      }
      worst = Math.max(worst, Math.abs(col - (double) B / K) / ((double) B / K));
    }
    return worst;
  }

  @Test
  void codesHaveThePrescribedMarginalsAfterThreeIterations() {
    float[][] scores = randomCosineScores(3);
    float[] q = codesInGraph(scores, 3, 0.05f);
    double[][] reference = sinkhornByHand(scores, 3, 0.05);
    for (int b = 0; b < B; b++) {
      double row = 0;
      for (int k = 0; k < K; k++) {
        assertTrue(q[b * K + k] >= 0);
        assertEquals(
            reference[b][k],
            q[b * K + k],
            1e-5 + 1e-4 * reference[b][k],
            "code [" + b + ", " + k + "] against the double-precision algorithm");
        row += q[b * K + k];
      }
      assertEquals(1.0, row, 1e-5, "sample " + b + " must carry a unit of mass");
    }
    double columns = maxColumnError(q);
    assertTrue(columns < 0.10, "prototype marginals off by " + columns + " of B/K");
  }

  @Test
  void moreIterationsBalanceThePrototypesExactly() {
    float[][] scores = randomCosineScores(4);
    double after1 = maxColumnError(codesInGraph(scores, 1, 0.05f));
    double after3 = maxColumnError(codesInGraph(scores, 3, 0.05f));
    double after50 = maxColumnError(codesInGraph(scores, 50, 0.05f));
    assertTrue(after3 < after1, after1 + " -> " + after3);
    assertTrue(after50 < 1e-3, "after 50 iterations the columns are off by " + after50);
  }

  @Test
  void noGradientFlowsIntoOrThroughTheCodes() {
    // loss = −Σ q(s₁)·log softmax(s₂/τ): the swapped prediction. The codes q are computed from
    // s₁, yet d loss / d s₁ must not exist, and d loss / d s₂ must be what it would be with q fed
    // in as a constant.
    float[][] s1 = randomCosineScores(5);
    float[][] s2 = randomCosineScores(6);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> p1 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, K)));
      Placeholder<TFloat32> p2 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, K)));
      Placeholder<TFloat32> fedCodes =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, K)));
      Operand<TFloat32> codes = SinkhornKnopp.codes(tf, p1, 3, 0.05f);
      Operand<TFloat32> logP = tf.nn.logSoftmax(tf.math.div(p2, tf.constant(0.1f)));
      Operand<TFloat32> loss =
          tf.math.neg(tf.reduceSum(tf.math.mul(codes, logP), tf.constant(new int[] {0, 1})));
      Operand<TFloat32> lossWithConstantCodes =
          tf.math.neg(tf.reduceSum(tf.math.mul(fedCodes, logP), tf.constant(new int[] {0, 1})));
      assertFalse(TestGraphs.reachableWithoutStopGradient(codes, (GraphOperation) p1.op()));
      assertTrue(TestGraphs.feeds(codes, (GraphOperation) p1.op()));
      Output<?>[] grads = Gradients.of(g, loss, new Output<?>[] {p1.asOutput(), p2.asOutput()});
      assertTrue(Gradients.isAbsent(grads[0]), "a gradient reached the scores through the codes");
      assertFalse(Gradients.isAbsent(grads[1]));
      Output<?>[] reference =
          Gradients.of(g, "reference", lossWithConstantCodes, new Output<?>[] {p2.asOutput()});
      try (Session s = new Session(g);
          TFloat32 a = matrix(s1);
          TFloat32 b = matrix(s2)) {
        float[] q;
        try (var r = s.runner().feed(p1, a).fetch(codes).run()) {
          q = TestGraphs.flat((TFloat32) r.get(0));
        }
        try (TFloat32 c = TFloat32.tensorOf(Shape.of(B, K), DataBuffers.of(q, true, false));
            var r =
                s.runner()
                    .feed(p1, a)
                    .feed(p2, b)
                    .feed(fedCodes, c)
                    .fetch(grads[1])
                    .fetch(reference[0])
                    .run()) {
          float[] viaSinkhorn = TestGraphs.flat((TFloat32) r.get(0));
          float[] viaConstant = TestGraphs.flat((TFloat32) r.get(1));
          for (int i = 0; i < viaSinkhorn.length; i++) {
            assertEquals(viaConstant[i], viaSinkhorn[i], 1e-6);
          }
        }
      }
    }
  }

  private static TFloat32 matrix(float[][] m) {
    float[] flat = new float[B * K];
    for (int b = 0; b < B; b++) {
      System.arraycopy(m[b], 0, flat, b * K, K);
    }
    return TFloat32.tensorOf(Shape.of(B, K), DataBuffers.of(flat, true, false));
  }
}
