package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.method.Alternation;
import io.tfssl.method.MethodGraph;
import io.tfssl.method.MethodInput;
import io.tfssl.method.SimSiam;
import io.tfssl.nn.Param;
import io.tfssl.nn.SmallConvNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * SimSiam §5 "Multi-step alternation": the target is a snapshot of the encoder and projector
 * refreshed every k steps. k = 1 is SimSiam; with k = 3 the snapshot holds θ_0 for steps 0-2, θ_3
 * for steps 3-5, ...; it gets no gradient; a resumed run refreshes at the same steps.
 */
class MultiStepAlternationTest {
  @TempDir Path tmp;

  private static PretrainConfig config(int k, long steps) {
    PretrainConfig c = TinyConfigs.pretrain("simsiam", steps);
    return c.toBuilder().simsiam(c.simsiam().withAlternationSteps(k)).build();
  }

  private static Operand<TFloat32> target1(Graph g) {
    return g.operation(SimSiam.TARGET + "1").output(0);
  }

  /** The losses of {@code steps} steps on the same random batches. */
  private static List<Float> losses(PretrainConfig c, int steps) {
    List<Float> out = new ArrayList<>();
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(
              g, StepSpec.builder().config(c, steps, 100).imageShape(28, 28, 1).build());
      try (Session s = new Session(g)) {
        s.initialize();
        for (int k = 0; k < steps; k++) {
          try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, k);
              Result r =
                  s.runner()
                      .feed(step.images(), images)
                      .addTarget(step.trainStep())
                      .fetch(step.loss())
                      .run()) {
            out.add(((TFloat32) r.get(0)).getFloat());
          }
        }
      }
    }
    return out;
  }

  @Test
  void oneStepAlternationIsSimSiam() {
    List<Float> plain = losses(config(0, 4), 4);
    List<Float> oneStep = losses(config(1, 4), 4);
    for (int k = 0; k < 4; k++) {
      assertEquals(plain.get(k), oneStep.get(k), 1e-6, "step " + k);
    }
    // Not vacuous: with k = 2 the second step already trains against the stale θ_0.
    List<Float> twoSteps = losses(config(2, 4), 4);
    assertEquals(plain.get(0), twoSteps.get(0), 1e-6, "step 0 trains against θ_0 either way");
    assertTrue(
        Math.abs(plain.get(1) - twoSteps.get(1)) > 1e-5,
        "k = 2 should differ from SimSiam at step 1: " + plain + " vs " + twoSteps);
  }

  @Test
  void snapshotHoldsTheWeightsOfTheLastRefresh() {
    int k = 3;
    int steps = 7;
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(
              g,
              StepSpec.builder()
                  .config(config(k, steps), steps, 100)
                  .imageShape(28, 28, 1)
                  .build());
      // Online parameter / snapshot variable pairs, by name (snapshot/<same relative path>).
      List<Pair> pairs = new ArrayList<>();
      for (Param p : step.methodGraph().trainable()) {
        GraphOperation v = g.operation(Alternation.SNAPSHOT + "/" + p.name());
        if (v != null) {
          pairs.add(new Pair(p, v.output(0)));
        }
      }
      assertFalse(pairs.isEmpty());
      // Every encoder and projector parameter has its copy; h is on the online side only.
      assertEquals(
          step.methodGraph().trainable().stream()
              .filter(p -> !p.name().startsWith("predictor/"))
              .count(),
          pairs.size());
      assertTrue(pairs.stream().noneMatch(p -> p.online().name().startsWith("predictor/")));
      try (Session s = new Session(g)) {
        s.initialize();
        List<List<float[]>> theta = new ArrayList<>(); // theta.get(t): online after t updates
        theta.add(values(s, pairs, true));
        for (int i = 0; i < steps; i++) {
          float[] target;
          float[] online;
          try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, i);
              Result r =
                  s.runner()
                      .feed(step.images(), images)
                      .addTarget(step.trainStep())
                      .fetch(target1(g))
                      .fetch(step.methodGraph().projection())
                      .run()) {
            target = TestGraphs.flat((TFloat32) r.get(0));
            online = TestGraphs.flat((TFloat32) r.get(1));
          }
          // The target of view 1 is the snapshot's z of view 1: the online z right after a
          // refresh, something else in between.
          double diff = maxAbsDiff(target, online);
          if (i % k == 0) {
            assertTrue(diff < 1e-6, "step " + i + ": snapshot output differs by " + diff);
          } else {
            assertTrue(diff > 1e-5, "step " + i + ": snapshot output equals the online one");
          }
          theta.add(values(s, pairs, true));
          int refreshedAt = k * ((i + 1) / k);
          List<float[]> snapshot = values(s, pairs, false);
          for (int j = 0; j < pairs.size(); j++) {
            assertArrayEquals(
                theta.get(refreshedAt).get(j),
                snapshot.get(j),
                "after step "
                    + i
                    + ", snapshot/"
                    + pairs.get(j).online().name()
                    + " should hold θ_"
                    + refreshedAt);
          }
        }
        try (Result r =
            s.runner().fetch(g.operation(Alternation.SCOPE + "/step").output(0)).run()) {
          assertEquals(steps, ((TInt64) r.get(0)).getObject());
        }
      }
    }
  }

  @Test
  void noGradientReachesTheSnapshot() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      MethodGraph mg =
          new SimSiam(TinyConfigs.simsiam().withAlternationSteps(3))
              .build(MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1));
      List<GraphOperation> snapshot = new ArrayList<>();
      g.operations()
          .forEachRemaining(
              op -> {
                if (op.type().equals("VariableV2")
                    && op.name().startsWith(Alternation.SNAPSHOT + "/")) {
                  snapshot.add((GraphOperation) op);
                }
              });
      assertFalse(snapshot.isEmpty());
      for (GraphOperation v : snapshot) {
        assertTrue(TestGraphs.feeds(mg.loss(), v), v.name() + " should feed the loss");
        assertFalse(
            TestGraphs.reachableWithoutStopGradient(mg.loss(), v),
            "gradient path from the loss to " + v.name());
      }
      Output<?>[] grads =
          g.addGradients(
              mg.loss().asOutput(),
              snapshot.stream().map(v -> v.output(0)).toArray(Output<?>[]::new));
      for (Output<?> grad : grads) {
        assertTrue(io.tfssl.train.Gradients.isAbsent(grad), "the gradient builder found a path");
      }
      assertTrue(
          mg.trainable().stream()
              .noneMatch(p -> p.variable().op().name().startsWith(Alternation.SNAPSHOT + "/")));
    }
  }

  /** Interrupted between two refreshes (k = 2, stop after step 3): the same losses. */
  @Test
  void resumedRunRefreshesAtTheSameSteps() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    PretrainConfig c = config(2, 6).toBuilder().checkpointEvery(3).build();
    Path straight = tmp.resolve("straight");
    try (Trainer t = Trainer.create(c, straight)) {
      t.progressBar(false).train();
    }
    Path interrupted = tmp.resolve("interrupted");
    try (Trainer t = Trainer.create(c, interrupted)) {
      t.progressBar(false).trainUntil(3);
    }
    try (Trainer t = Trainer.resume(interrupted)) {
      t.progressBar(false).train();
    }
    assertEquals(TestRuns.losses(straight), TestRuns.losses(interrupted));
    assertEquals(6, TestRuns.losses(straight).size());
  }

  private record Pair(Param online, Operand<TFloat32> snapshot) {}

  private static List<float[]> values(Session s, List<Pair> pairs, boolean online) {
    List<float[]> out = new ArrayList<>();
    for (Pair p : pairs) {
      out.add(TestGraphs.fetch(s, online ? p.online().variable() : p.snapshot()));
    }
    return out;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
