package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.augment.ViewPolicy;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/** The step graph's bookkeeping does not depend on how the views were augmented. */
class TrainingGraphTest {

  private static long stepFlops(ViewPolicy v1, ViewPolicy v2) {
    PretrainConfig c = TinyConfigs.pretrain("byol", 10).toBuilder().view1(v1).view2(v2).build();
    try (Graph g = new Graph()) {
      return new TrainingGraph(g, StepSpec.builder().config(c, 10, 5).imageShape(28, 28, 1).build())
          .methodGraph()
          .stepFlops();
    }
  }

  @Test
  void flopCountIsTheSameWithAndWithoutAugmentation() {
    long plain = stepFlops(ViewPolicy.none(), ViewPolicy.none());
    // BYOL's view 2 blurs and solarizes only some samples (partition and stitch in the graph).
    long augmented = stepFlops(ViewPolicy.byolView1(), ViewPolicy.byolView2());
    assertEquals(plain, augmented);
    assertTrue(plain > 0);
  }
}
