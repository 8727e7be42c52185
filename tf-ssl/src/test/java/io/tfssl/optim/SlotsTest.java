package io.tfssl.optim;

import static io.tfssl.optim.OptimTestSupport.constant;
import static io.tfssl.optim.OptimTestSupport.fetch;
import static io.tfssl.optim.OptimTestSupport.param;
import static io.tfssl.optim.OptimTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tfssl.nn.Param;
import io.tfssl.nn.ParamKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SlotsTest {

  /** Builds enc/w with a LARS update; returns the train op. */
  private static Op build(Ops tf) {
    Param w = param(tf.withSubScope("enc"), "w", ParamKind.WEIGHT, new float[] {1f, 2f}, 2);
    return new Lars(0.9, 0.0, 1.0)
        .apply(
            tf,
            List.of(new ParamGrad(w, constant(tf, new float[] {3f, 4f}, 2), tf.constant(0.1f))),
            "train");
  }

  private static Output<TFloat32> slot(Graph g) {
    return g.operation("slots/enc_w_momentum").output(0);
  }

  @Test
  void slotIsNamedAfterParamAndIsRefVariable() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Op train = build(tf);
      assertEquals("train", train.op().name());
      assertEquals("NoOp", train.op().type());
      GraphOperation op = g.operation("slots/enc_w_momentum");
      assertEquals("VariableV2", op.type());
      assertEquals("VariableV2", g.operation("enc/w").type());
    }
  }

  @Test
  void secondApplyInSameScopeThrowsButSubScopeWorks() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Param w = param(tf, "w", ParamKind.WEIGHT, new float[] {1f, 2f}, 2);
      List<ParamGrad> grads =
          List.of(new ParamGrad(w, constant(tf, new float[] {3f, 4f}, 2), tf.constant(0.1f)));
      SgdMomentum sgd = SgdMomentum.simSiam();
      sgd.apply(tf, grads, "train");
      assertEquals("VariableV2", g.operation("slots/w_momentum").type());
      assertThrows(IllegalStateException.class, () -> sgd.apply(tf, grads, "again"));
      sgd.apply(tf.withSubScope("second"), grads, "train");
      assertEquals("VariableV2", g.operation("second/slots/w_momentum").type());
      assertThrows(
          IllegalArgumentException.class,
          () -> sgd.apply(tf.withSubScope("third"), List.of(grads.get(0), grads.get(0)), "t"));
    }
  }

  @Test
  void slotSurvivesSaveAndRestore(@TempDir Path dir) {
    String prefix = dir.resolve("ckpt").toString();
    float[] saved;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Op train = build(Ops.create(g));
      run(s, train);
      saved = fetch(s, slot(g));
      // trust = eta |w| / |g| = sqrt(5)/5; momentum = trust * g
      double t = Math.sqrt(5) / 5;
      assertArrayEquals(new float[] {(float) (3 * t), (float) (4 * t)}, saved, 1e-5f);
      s.save(prefix);
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      build(Ops.create(g));
      s.restore(prefix);
      assertArrayEquals(saved, fetch(s, slot(g)), 0f);
    }
  }
}
