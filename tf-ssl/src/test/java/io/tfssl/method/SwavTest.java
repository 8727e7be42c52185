package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.nn.SmallConvNet;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.StepSpec;
import io.tfssl.train.TrainingGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** SwAV's multi-crop views and its prototypes, which stay on the unit sphere after each step. */
class SwavTest {

  @Test
  void multiCropGivesTwoLargeAndTheSmallViews() {
    SwavConfig c = TinyConfigs.swav();
    List<ViewSpec> views =
        new SwAV(c).views(List.of(ViewPolicy.byolView1(), ViewPolicy.byolView2()), 28);
    assertEquals(2 + c.smallCrops(), views.size());
    assertEquals(ViewPolicy.byolView1(), views.get(0).policy());
    assertEquals(ViewPolicy.byolView2(), views.get(1).policy());
    assertEquals(28, views.get(1).size());
    for (ViewSpec small : views.subList(2, views.size())) {
      assertEquals(c.smallCropSize(), small.size());
      assertEquals((float) c.smallCropScaleMin(), small.policy().cropScaleMin());
      assertEquals((float) c.smallCropScaleMax(), small.policy().cropScaleMax());
    }
    assertEquals(
        2, new SwAV(c.withSmallCrops(0, 0, 0, 0)).views(List.of(ViewPolicy.none()), 28).size());
  }

  private static double maxNormError(float[] w, int dim, int count) {
    double worst = 0;
    for (int k = 0; k < count; k++) {
      double n = 0;
      for (int j = 0; j < dim; j++) {
        n += w[j * count + k] * w[j * count + k];
      }
      worst = Math.max(worst, Math.abs(Math.sqrt(n) - 1));
    }
    return worst;
  }

  @Test
  void prototypesAreUnitVectorsAtInitAndAfterEveryStep() {
    PretrainConfig c = TinyConfigs.pretrain("swav", 3);
    int dim = 32;
    int count = c.swav().prototypes();
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(g, StepSpec.builder().config(c, 3, 100).imageShape(28, 28, 1).build());
      MethodGraph mg = step.methodGraph();
      Variable<TFloat32> prototypes = mg.online().variables().get("prototypes/w");
      assertEquals(
          List.of((long) dim, (long) count),
          List.of(prototypes.shape().get(0), prototypes.shape().get(1)));
      // The small crops cost a quarter of a large view each (14² vs 28² pixels).
      long large = new SmallConvNet().forwardFlops(28, 28, 1);
      assertTrue(
          mg.trainedFlops() < 4 * large && mg.trainedFlops() > 2 * large,
          "FLOPs " + mg.trainedFlops() + " vs one large view " + large);
      try (Session s = new Session(g)) {
        s.initialize();
        float[] initial = TestGraphs.fetch(s, prototypes);
        assertTrue(maxNormError(initial, dim, count) < 1e-5);
        float[] previous = initial;
        for (int k = 0; k < 3; k++) {
          try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, k);
              Result r =
                  s.runner()
                      .feed(step.images(), images)
                      .addTarget(step.trainStep())
                      .fetch(step.loss())
                      .run()) {
            assertTrue(Float.isFinite(((TFloat32) r.get(0)).getFloat()));
          }
          float[] now = TestGraphs.fetch(s, prototypes);
          assertTrue(maxNormError(now, dim, count) < 1e-5, "step " + (k + 1));
          double moved = 0;
          for (int i = 0; i < now.length; i++) {
            moved += Math.abs(now[i] - previous[i]);
          }
          assertTrue(moved > 0, "the prototypes are trained");
          previous = now;
        }
      }
    }
  }
}
