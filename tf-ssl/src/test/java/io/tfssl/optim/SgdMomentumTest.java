package io.tfssl.optim;

import static io.tfssl.optim.OptimTestSupport.assertClose;
import static io.tfssl.optim.OptimTestSupport.constant;
import static io.tfssl.optim.OptimTestSupport.fetch;
import static io.tfssl.optim.OptimTestSupport.fetchScalar;
import static io.tfssl.optim.OptimTestSupport.param;
import static io.tfssl.optim.OptimTestSupport.run;
import static io.tfssl.optim.OptimTestSupport.toDouble;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.nn.Param;
import io.tfssl.nn.ParamKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SgdMomentumTest {
  private static final double LR = 0.1;
  private static final double M = 0.9;
  private static final double WD = 0.1;

  private static final float[] W0 = {1f, -2f, 3f, 0.5f};
  private static final float[] GW = {0.3f, 0.1f, -0.2f, 0.4f};
  private static final float[] B0 = {0.5f, -0.25f};
  private static final float[] GB = {0.2f, -0.1f};

  /** torch.optim.SGD: g' = g + wd w; v = m v + g'; w -= lr v. */
  private static void handStep(double[] w, double[] g, double[] v, double wd, double lr) {
    for (int i = 0; i < w.length; i++) {
      v[i] = M * v[i] + g[i] + wd * w[i];
      w[i] -= lr * v[i];
    }
  }

  private static void twoSteps(boolean decayBiasAndBn) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Param w = param(tf, "w", ParamKind.WEIGHT, W0, 2, 2);
      Param b = param(tf, "b", ParamKind.BIAS, B0, 2);
      Operand<TFloat32> lr = tf.constant((float) LR);
      Op train =
          new SgdMomentum(M, WD, decayBiasAndBn)
              .apply(
                  tf,
                  List.of(
                      new ParamGrad(w, constant(tf, GW, 2, 2), lr),
                      new ParamGrad(b, constant(tf, GB, 2), lr)),
                  "train");
      double[] hw = toDouble(W0);
      double[] hb = toDouble(B0);
      double[] vw = new double[4];
      double[] vb = new double[2];
      for (int step = 1; step <= 2; step++) {
        run(s, train);
        handStep(hw, toDouble(GW), vw, WD, LR);
        handStep(hb, toDouble(GB), vb, decayBiasAndBn ? WD : 0.0, LR);
        assertClose(hw, fetch(s, w.variable()), 1e-5, "W step " + step);
        assertClose(hb, fetch(s, b.variable()), 1e-5, "b step " + step);
      }
    }
  }

  @Test
  void twoStepsWithWeightDecayOnAllParams() {
    twoSteps(true);
  }

  @Test
  void twoStepsWithBiasExcludedFromWeightDecay() {
    twoSteps(false);
  }

  @Test
  void perParamLearningRateIsHonoured() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Param a = param(tf, "a", ParamKind.WEIGHT, new float[] {1f, 1f}, 2);
      Param p = param(tf, "pred", ParamKind.WEIGHT, new float[] {1f, 1f}, 2);
      float[] grad = {0.5f, -1f};
      Op train =
          new SgdMomentum(M, 0.0, true)
              .apply(
                  tf,
                  List.of(
                      new ParamGrad(a, constant(tf, grad, 2), tf.constant(0.1f)),
                      new ParamGrad(p, constant(tf, grad, 2), tf.constant(0.01f))),
                  "train");
      run(s, train);
      run(s, train);
      // w = w0 - lr g (1 + (m + 1))
      double[] ea = {1 - 0.1 * 0.5 * (2 + M), 1 + 0.1 * (2 + M)};
      double[] ep = {1 - 0.01 * 0.5 * (2 + M), 1 + 0.01 * (2 + M)};
      assertClose(ea, fetch(s, a.variable()), 1e-5, "a (lr 0.1)");
      assertClose(ep, fetch(s, p.variable()), 1e-5, "pred (lr 0.01)");
    }
  }

  @Test
  void scheduledLearningRateFromStepAndRealGradientsLowerTheLoss() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Param w = param(tf, "w", ParamKind.WEIGHT, new float[] {1f, -1f, 0.5f, 2f}, 2, 2);
      Param b = param(tf, "b", ParamKind.BIAS, new float[] {0f, 0f}, 2);
      var step = tf.withName("global_step").variable(tf.withInitScope().constant(0L));
      Operand<TFloat32> x = constant(tf, new float[] {1f, 2f, -1f, 0.5f, 0f, 1f}, 3, 2);
      Operand<TFloat32> y = constant(tf, new float[] {0f, 1f, 1f, 0f, 0.5f, 0.5f}, 3, 2);
      Operand<TFloat32> pred =
          tf.math.add(tf.linalg.matMul(x, tf.identity(w.variable())), tf.identity(b.variable()));
      Operand<TFloat32> loss =
          tf.math.mean(tf.math.square(tf.math.sub(pred, y)), tf.constant(new int[] {0, 1}));
      Output<?>[] grads =
          g.addGradients(
              loss.asOutput(), new Output<?>[] {w.variable().asOutput(), b.variable().asOutput()});
      Operand<TFloat32> lr = new WarmupCosine(0.2, 2, 40).at(tf, step);
      Op update =
          SgdMomentum.simSiam().apply(tf, ParamGrad.zip(List.of(w, b), grads, p -> lr), "train");
      Op train =
          tf.withControlDependencies(List.of(update))
              .withName("step_inc")
              .assignAdd(step, tf.constant(1L));
      float first = fetchScalar(s, loss);
      for (int i = 0; i < 40; i++) {
        run(s, train);
      }
      float last = fetchScalar(s, loss);
      assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
    }
  }
}
