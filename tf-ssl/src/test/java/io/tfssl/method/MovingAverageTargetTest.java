package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import io.tfssl.nn.SmallConvNet;
import io.tfssl.train.Gradients;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * SimSiam §5's per-image moving average η_x ← m·η_x + (1 − m)·F(T'(x)): the table follows its
 * closed form, rows outside the batch never move, and no gradient reaches it.
 */
class MovingAverageTargetTest {
  private static final int N = 10;
  private static final int D = 3;
  private static final float M = 0.8f;

  private static TFloat32 matrix(float[][] rows) {
    TFloat32 t = TFloat32.tensorOf(Shape.of(rows.length, rows[0].length));
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[0].length; j++) {
        t.setFloat(rows[i][j], i, j);
      }
    }
    return t;
  }

  private static float[][] random(Random r, int n) {
    float[][] out = new float[n][D];
    for (float[] row : out) {
      for (int j = 0; j < D; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return out;
  }

  /**
   * Three steps on overlapping batches of a 10-image table, symmetric: each step's stored rows must
   * be m·η + (1 − m)·½(z1 + z2) (½(z1 + z2) at an image's first visit), and each term's target m·η
   * + (1 − m)·z of the other view.
   */
  @Test
  void tableFollowsItsClosedFormAndUntouchedRowsStayPut() {
    int[][] batches = {{0, 1, 2, 3}, {2, 3, 4, 5}, {5, 0, 7, 2}};
    float[][] eta = new float[N][D];
    boolean[] seen = new boolean[N];
    Random r = new Random(7);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ImageIndex index = ImageIndex.create(tf, N);
      Placeholder<TFloat32> z1 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, D)));
      Placeholder<TFloat32> z2 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, D)));
      MovingAverageTarget ma = MovingAverageTarget.create(tf, index, D, M);
      Operand<TFloat32> targetOf1 = ma.target(tf, z2); // the term trained on view 1
      Operand<TFloat32> targetOf2 = ma.target(tf, z1);
      // The update runs after the targets of this batch were read, as in training (where it
      // follows the optimizer update, which needs the loss); without this order the same run
      // could read the table after the update.
      Op update =
          ma.update(
              tf.withControlDependencies(List.of(targetOf1, targetOf2)),
              List.of(targetOf1, targetOf2));
      try (Session s = new Session(g)) {
        s.initialize();
        for (int[] batch : batches) {
          float[][] a = random(r, batch.length);
          float[][] b = random(r, batch.length);
          float[] t1;
          float[] t2;
          try (TInt32 idx = TInt32.vectorOf(batch);
              TFloat32 ta = matrix(a);
              TFloat32 tb = matrix(b);
              Result res =
                  s.runner()
                      .feed(index.indices(), idx)
                      .feed(z1, ta)
                      .feed(z2, tb)
                      .fetch(targetOf1)
                      .fetch(targetOf2)
                      .addTarget(update)
                      .run()) {
            t1 = TestGraphs.flat((TFloat32) res.get(0));
            t2 = TestGraphs.flat((TFloat32) res.get(1));
          }
          for (int i = 0; i < batch.length; i++) {
            int x = batch[i];
            float m = seen[x] ? M : 0f;
            for (int j = 0; j < D; j++) {
              float expect1 = m * eta[x][j] + (1 - m) * b[i][j];
              float expect2 = m * eta[x][j] + (1 - m) * a[i][j];
              assertEquals(expect1, t1[i * D + j], 1e-6, "target of view 1, image " + x);
              assertEquals(expect2, t2[i * D + j], 1e-6, "target of view 2, image " + x);
              eta[x][j] = m * eta[x][j] + (1 - m) * 0.5f * (a[i][j] + b[i][j]);
            }
            seen[x] = true;
          }
        }
        float[] actual = TestGraphs.fetch(s, ma.eta());
        float[] flags = TestGraphs.fetch(s, ma.seen());
        for (int x = 0; x < N; x++) {
          assertEquals(seen[x] ? 1f : 0f, flags[x], "seen flag of image " + x);
          for (int j = 0; j < D; j++) {
            assertEquals(eta[x][j], actual[x * D + j], 1e-6, "eta of image " + x);
          }
        }
        // Images 6, 8 and 9 were never in a batch: still exactly zero.
        for (int x : new int[] {6, 8, 9}) {
          for (int j = 0; j < D; j++) {
            assertEquals(0f, actual[x * D + j], "untouched row " + x);
          }
        }
        // The momentum did act: image 2 was in all three batches.
        assertTrue(Math.abs(actual[2 * D]) > 0);
      }
    }
  }

  /**
   * In SimSiam with the moving-average target, the loss reaches the table only through
   * stop-gradients, and the gradient builder finds no path to it; the online network (without
   * predictor) is trained.
   */
  @Test
  void noGradientReachesTheTable() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      SimSiam method =
          new SimSiam(TinyConfigs.simsiam().withPredictor(PredictorMode.MOVING_AVERAGE));
      assertTrue(method.needsImageIndex());
      MethodGraph mg =
          method.build(
              MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1)
                  .withImageIndex(ImageIndex.create(tf, 20)));
      GraphOperation eta = g.operation(MovingAverageTarget.SCOPE + "/eta");
      GraphOperation seen = g.operation(MovingAverageTarget.SCOPE + "/seen");
      for (GraphOperation table : List.of(eta, seen)) {
        assertTrue(TestGraphs.feeds(mg.loss(), table), table.name() + " should feed the loss");
        assertFalse(
            TestGraphs.reachableWithoutStopGradient(mg.loss(), table),
            "gradient path from the loss to " + table.name());
      }
      Output<?>[] grads =
          g.addGradients(mg.loss().asOutput(), new Output<?>[] {eta.output(0), seen.output(0)});
      assertTrue(Gradients.isAbsent(grads[0]) && Gradients.isAbsent(grads[1]));
      assertTrue(
          mg.trainable().stream().noneMatch(p -> p.name().startsWith("predictor/")),
          "no predictor h: §5 drops it");
      assertEquals(1, mg.afterUpdate().size(), "the table update runs after the optimizer step");
    }
  }
}
