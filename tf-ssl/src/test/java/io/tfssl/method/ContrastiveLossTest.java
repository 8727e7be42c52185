package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.train.Gradients;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * NT-Xent (SimCLR Eq. 1) and InfoNCE (MoCo Eq. 1) equal the formulas evaluated by hand, in plain
 * Java, on tiny batches.
 */
class ContrastiveLossTest {

  private static double[] normalize(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    n = Math.sqrt(n);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / n;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static float[][] toFloat(double[][] x) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (float) x[i][j];
      }
    }
    return out;
  }

  /**
   * ℓ(i, j) = −log exp(sᵢⱼ/t) / Σ_{k≠i} exp(s_ik/t) over the 2N normalized projections, the mean
   * over all 2N anchors (Alg. 1), written out term by term.
   */
  private static double ntXentByHand(double[][] z1, double[][] z2, double t) {
    int n = z1.length;
    double[][] z = new double[2 * n][];
    for (int i = 0; i < n; i++) {
      z[i] = normalize(z1[i]);
      z[n + i] = normalize(z2[i]);
    }
    double total = 0;
    for (int i = 0; i < 2 * n; i++) {
      int positive = i < n ? i + n : i - n;
      double denominator = 0;
      for (int k = 0; k < 2 * n; k++) {
        if (k != i) {
          denominator += Math.exp(dot(z[i], z[k]) / t);
        }
      }
      total += -Math.log(Math.exp(dot(z[i], z[positive]) / t) / denominator);
    }
    return total / (2 * n);
  }

  private static float ntXentInGraph(double[][] z1, double[][] z2, float t) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> loss =
          NtXent.loss(tf, tf.constant(toFloat(z1)), tf.constant(toFloat(z2)), t);
      return TestGraphs.fetch(s, loss)[0];
    }
  }

  @Test
  void ntXentEqualsTheHandComputedValue() {
    // N = 3 images, d = 2, two views each; not normalized (the loss normalizes).
    double[][] z1 = {{1.0, 0.5}, {-0.3, 2.0}, {0.7, -1.2}};
    double[][] z2 = {{0.8, 0.9}, {-1.0, 1.5}, {2.0, -0.4}};
    double expected = ntXentByHand(z1, z2, 0.5);
    assertEquals(expected, ntXentInGraph(z1, z2, 0.5f), 1e-5);
    // Different temperature, three dimensions.
    double[][] a = {{0.2, -0.1, 0.9}, {1.0, 1.0, 0.0}};
    double[][] b = {{0.3, 0.0, 1.0}, {0.5, 1.2, -0.2}};
    assertEquals(ntXentByHand(a, b, 0.1), ntXentInGraph(a, b, 0.1f), 1e-4);
  }

  @Test
  void ntXentOfOneImageHasNoNegativesAndIsZero() {
    // 2N − 2 = 0 negatives: each anchor's only other view is its positive, so ℓ = −log 1.
    assertEquals(0.0, ntXentInGraph(new double[][] {{1, 2}}, new double[][] {{-3, 1}}, 0.5f), 1e-6);
  }

  @Test
  void ntXentSendsGradientsToBothViews() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> z1 = tf.constant(new float[][] {{1f, 0.5f}, {-0.3f, 2f}});
      Operand<TFloat32> z2 = tf.constant(new float[][] {{0.8f, 0.9f}, {-1f, 1.5f}});
      Operand<TFloat32> loss = NtXent.loss(tf, z1, z2, 0.5f);
      Output<?>[] grads = Gradients.of(g, loss, new Output<?>[] {z1.asOutput(), z2.asOutput()});
      assertFalse(Gradients.isAbsent(grads[0]));
      assertFalse(Gradients.isAbsent(grads[1]));
      assertTrue(TestGraphs.absSum(s, grads[1]) > 0);
    }
  }

  /** −log exp(q·k₊/τ) / (exp(q·k₊/τ) + Σ_queue exp(q·k₋/τ)), the batch mean, by hand. */
  private static double infoNceByHand(double[][] q, double[][] k, double[][] queue, double t) {
    double total = 0;
    for (int i = 0; i < q.length; i++) {
      double positive = Math.exp(dot(q[i], k[i]) / t);
      double denominator = positive;
      for (double[] negative : queue) {
        denominator += Math.exp(dot(q[i], negative) / t);
      }
      total += -Math.log(positive / denominator);
    }
    return total / q.length;
  }

  @Test
  void infoNceEqualsTheHandComputedValue() {
    double[][] q = {normalize(new double[] {1, 0.3}), normalize(new double[] {-0.4, 1})};
    double[][] k = {normalize(new double[] {0.9, 0.5}), normalize(new double[] {-0.2, 0.8})};
    double[][] queue = {
      normalize(new double[] {1, -1}),
      normalize(new double[] {0, 1}),
      normalize(new double[] {-1, -0.2})
    };
    double expected = infoNceByHand(q, k, queue, 0.2);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> loss =
          InfoNce.loss(
              tf,
              tf.constant(toFloat(q)),
              tf.constant(toFloat(k)),
              tf.constant(toFloat(queue)),
              0.2f);
      assertEquals(expected, TestGraphs.fetch(s, loss)[0], 1e-5);
    }
  }
}
