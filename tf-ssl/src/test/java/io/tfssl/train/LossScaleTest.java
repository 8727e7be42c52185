package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.compute.LossScale;
import io.tfssl.compute.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** The fp16 dynamic loss scale, on the CPU in float32 (its logic does not depend on fp16). */
class LossScaleTest {

  /** loss = sum((w · x)^2) over a fed x, with the loss scale around its gradient. */
  private static final class Fixture implements AutoCloseable {
    final Graph g = new Graph();
    final Ops tf = Ops.create(g);
    final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
    final Variable<TFloat32> w =
        tf.withName("w").variable(tf.constant(new float[] {1f, -2f, 0.5f}));
    final Operand<TFloat32> loss =
        tf.math.square(tf.reduceSum(tf.math.mul(tf.identity(w), x), tf.constant(0)));
    final LossScale scale;
    final Operand<TFloat32> plainGrad;
    final Operand<TFloat32> unscaledGrad;
    final Operand<TFloat32> gatedLr;
    final Operand<TBool> finite;
    final Op update;
    final Session s;

    @SuppressWarnings("unchecked")
    Fixture(int growthInterval) {
      scale = LossScale.dynamic(tf.withSubScope("loss_scale"), 1024f, growthInterval);
      plainGrad =
          (Output<TFloat32>) Gradients.of(g, "plain", loss, new Output<?>[] {w.asOutput()})[0];
      Output<TFloat32> scaled =
          (Output<TFloat32>)
              Gradients.of(g, "scaled", scale.scaled(tf, loss), new Output<?>[] {w.asOutput()})[0];
      unscaledGrad = scale.unscale(tf, List.of(scaled)).get(0);
      gatedLr = scale.gate(tf, tf.constant(0.1f));
      finite = scale.finite();
      update = scale.update(tf.withControlDependencies(List.of(unscaledGrad)));
      s = new Session(g);
    }

    float[] run(float[] xs, Operand<TFloat32> what) {
      try (TFloat32 t = TFloat32.vectorOf(xs);
          Result r = s.runner().feed(x, t).fetch(what).run()) {
        TFloat32 out = (TFloat32) r.get(0);
        float[] v = new float[(int) out.size()];
        out.copyTo(DataBuffers.of(v, false, false));
        return v;
      }
    }

    boolean finite(float[] xs) {
      try (TFloat32 t = TFloat32.vectorOf(xs);
          Result r = s.runner().feed(x, t).fetch(finite).run()) {
        return ((TBool) r.get(0)).getBoolean();
      }
    }

    void step(float[] xs) {
      try (TFloat32 t = TFloat32.vectorOf(xs)) {
        s.runner().feed(x, t).addTarget(update).run();
      }
    }

    float variable(String name) {
      try (Result r = s.runner().fetch(name).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  @Test
  void unscaledGradientsEqualThePlainOnes() {
    try (Fixture f = new Fixture(2000)) {
      float[] x = {0.3f, 1e-3f, -7f};
      float[] plain = f.run(x, f.plainGrad);
      // Scaling by a power of two is exact, so the gradient comes back bit for bit.
      assertArrayEquals(plain, f.run(x, f.unscaledGrad));
      assertTrue(f.finite(x));
      assertEquals(0.1f, f.run(x, f.gatedLr)[0]);
    }
  }

  @Test
  void aNonFiniteStepIsSkippedAndHalvesTheScale() {
    try (Fixture f = new Fixture(2000)) {
      float[] bad = {Float.POSITIVE_INFINITY, 1f, 1f};
      assertFalse(f.finite(bad));
      assertArrayEquals(new float[] {0f, 0f, 0f}, f.run(bad, f.unscaledGrad));
      assertEquals(0f, f.run(bad, f.gatedLr)[0]);
      f.step(new float[] {1f, 1f, 1f});
      f.step(new float[] {1f, 1f, 1f});
      assertEquals(2f, f.variable("loss_scale/good_steps"));
      f.step(bad);
      assertEquals(512f, f.variable("loss_scale/scale"));
      assertEquals(0f, f.variable("loss_scale/good_steps"));
    }
  }

  @Test
  void theScaleDoublesAfterTheGrowthIntervalAndNeverDropsBelowOne() {
    try (Fixture f = new Fixture(3)) {
      float[] good = {1f, 2f, 3f};
      f.step(good);
      f.step(good);
      assertEquals(1024f, f.variable("loss_scale/scale"));
      f.step(good);
      assertEquals(2048f, f.variable("loss_scale/scale"));
      assertEquals(0f, f.variable("loss_scale/good_steps"));
      float[] nan = {Float.NaN, 0f, 0f};
      for (int i = 0; i < 15; i++) {
        f.step(nan);
      }
      assertEquals(1f, f.variable("loss_scale/scale"));
    }
  }

  /**
   * The fp16 training graph (its loss scale included) run in float32 takes the same steps as the
   * fp32 graph: what is left of fp16 on a GPU is only the rewriter's rounding.
   */
  @Test
  void fp16GraphInFloat32RepeatsTheFp32Steps() {
    List<Float> fp32 = steps(Precision.FP32);
    List<Float> fp16 = steps(Precision.FP16);
    assertEquals(fp32.size(), fp16.size());
    for (int i = 0; i < fp32.size(); i++) {
      assertEquals(
          fp32.get(i), fp16.get(i), 1e-6f, "step " + (i + 1) + ": " + fp32 + " vs " + fp16);
    }
  }

  private static List<Float> steps(Precision precision) {
    PretrainConfig config =
        TinyConfigs.pretrain("simsiam", 4).toBuilder().precision(precision).build();
    byte[] bytes = new byte[16 * 28 * 28];
    new Random(7).nextBytes(bytes);
    List<Float> losses = new ArrayList<>();
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(
              g, StepSpec.builder().config(config, 4, 4).imageShape(28, 28, 1).build());
      try (Session s = new Session(g);
          TUint8 images =
              TUint8.tensorOf(Shape.of(16, 28, 28, 1), DataBuffers.of(bytes, true, false))) {
        for (int i = 0; i < 4; i++) {
          try (Result r =
              s.runner()
                  .feed(step.images(), images)
                  .addTarget(step.trainStep())
                  .fetch(step.loss())
                  .run()) {
            losses.add(((TFloat32) r.get(0)).getFloat());
          }
        }
        if (precision == Precision.FP16) {
          try (Result r = s.runner().fetch("loss_scale/scale").run()) {
            assertEquals(LossScale.INITIAL, ((TFloat32) r.get(0)).getFloat(), "no step skipped");
          }
        }
      }
    }
    return losses;
  }
}
