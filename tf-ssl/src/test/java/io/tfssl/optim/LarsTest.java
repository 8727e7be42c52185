package io.tfssl.optim;

import static io.tfssl.optim.OptimTestSupport.assertClose;
import static io.tfssl.optim.OptimTestSupport.constant;
import static io.tfssl.optim.OptimTestSupport.fetch;
import static io.tfssl.optim.OptimTestSupport.norm;
import static io.tfssl.optim.OptimTestSupport.param;
import static io.tfssl.optim.OptimTestSupport.run;
import static io.tfssl.optim.OptimTestSupport.toDouble;

import io.tfssl.nn.Param;
import io.tfssl.nn.ParamKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class LarsTest {
  private static final double LR = 0.1;
  private static final double M = 0.9;
  private static final double WD = 0.01;
  private static final double ETA = 0.5;

  private static final float[] W0 = {1f, 2f, 3f, 4f};
  private static final float[] GW = {0.1f, -0.2f, 0.3f, 0.05f};
  private static final float[] B0 = {0.5f, -0.5f};
  private static final float[] GB = {0.2f, 0.1f};
  private static final float[] S0 = {1.0f, 0.8f};
  private static final float[] GS = {-0.1f, 0.3f};

  /**
   * BYOL's LARS step in double precision, written from the formulas: for decayed params g' = g + wd
   * w, trust = eta |w| / |g'|, d = trust g'; otherwise d = g. Then mu = m mu + d and w -= lr mu.
   * Updates {@code w} and {@code mu} in place.
   */
  private static void handStep(double[] w, double[] g, double[] mu, boolean decayed, double lr) {
    double[] d = new double[w.length];
    if (decayed) {
      for (int i = 0; i < w.length; i++) {
        d[i] = g[i] + WD * w[i];
      }
      double wn = norm(w);
      double dn = norm(d);
      double trust = (wn > 0 && dn > 0) ? ETA * wn / dn : 1.0;
      for (int i = 0; i < w.length; i++) {
        d[i] *= trust;
      }
    } else {
      System.arraycopy(g, 0, d, 0, g.length);
    }
    for (int i = 0; i < w.length; i++) {
      mu[i] = M * mu[i] + d[i];
      w[i] -= lr * mu[i];
    }
  }

  @Test
  void oneAndTwoStepsMatchHandComputation() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Param w = param(tf, "w", ParamKind.WEIGHT, W0, 2, 2);
      Param b = param(tf, "b", ParamKind.BIAS, B0, 2);
      Param gamma = param(tf, "gamma", ParamKind.BN_SCALE, S0, 2);
      Placeholder<TFloat32> lr = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      List<ParamGrad> grads =
          List.of(
              new ParamGrad(w, constant(tf, GW, 2, 2), lr),
              new ParamGrad(b, constant(tf, GB, 2), lr),
              new ParamGrad(gamma, constant(tf, GS, 2), lr));
      Op train = new Lars(M, WD, ETA).apply(tf, grads, "train");

      double[] hw = toDouble(W0);
      double[] hb = toDouble(B0);
      double[] hs = toDouble(S0);
      double[] mw = new double[4];
      double[] mb = new double[2];
      double[] ms = new double[2];
      // The rate changes between the steps, which tells "w -= lr * mu" (BYOL) apart from
      // "mu = m mu + lr d; w -= mu" (LARS paper, Alg. 1).
      double[] rates = {LR, LR / 2};
      for (int step = 1; step <= 2; step++) {
        double rate = rates[step - 1];
        try (TFloat32 lrValue = TFloat32.scalarOf((float) rate);
            Result r = s.runner().feed(lr, lrValue).addTarget(train).run()) {
          // update only
        }
        handStep(hw, toDouble(GW), mw, true, rate);
        handStep(hb, toDouble(GB), mb, false, rate);
        handStep(hs, toDouble(GS), ms, false, rate);
        assertClose(hw, fetch(s, w.variable()), 1e-5, "W after step " + step);
        assertClose(hb, fetch(s, b.variable()), 1e-5, "bias after step " + step);
        assertClose(hs, fetch(s, gamma.variable()), 1e-5, "bn scale after step " + step);
        assertClose(mw, fetch(s, momentumSlot(g, w)), 1e-5, "W momentum " + step);
      }
      // bias/BN must not have been decayed or trust-scaled: w = w0 - lr1 g - lr2 (m g + g)
      for (int i = 0; i < 2; i++) {
        double expected = B0[i] - LR * GB[i] - LR / 2 * GB[i] * (1 + M);
        assertClose(new double[] {expected}, new float[] {fetch(s, b.variable())[i]}, 1e-5, "b");
      }
    }
  }

  @Test
  void zeroWeightUsesTrustOne() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] zeros = {0f, 0f, 0f, 0f};
      Param w = param(tf, "w", ParamKind.WEIGHT, zeros, 2, 2);
      Op train =
          new Lars(M, WD, ETA)
              .apply(
                  tf,
                  List.of(new ParamGrad(w, constant(tf, GW, 2, 2), tf.constant((float) LR))),
                  "t");
      run(s, train);
      double[] hw = new double[4];
      handStep(hw, toDouble(GW), new double[4], true, LR);
      // ||w|| = 0 -> trust 1 -> w = -lr g
      for (int i = 0; i < 4; i++) {
        assertClose(new double[] {-LR * GW[i]}, new float[] {(float) hw[i]}, 1e-6, "hand");
      }
      assertClose(hw, fetch(s, w.variable()), 1e-5, "W");
    }
  }

  private static Output<TFloat32> momentumSlot(Graph g, Param p) {
    String name = Slots.SCOPE + "/" + Slots.name(p, MomentumOptimizer.MOMENTUM_SLOT);
    return g.operation(name).output(0);
  }
}
