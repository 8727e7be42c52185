package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import io.tfssl.method.TargetEma;
import io.tfssl.optim.TauSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** BYOL's target equals the closed form ξ_k = τ_k ξ_{k−1} + (1 − τ_k) θ_k computed in Java. */
class TargetEmaTest {

  @Test
  void targetFollowsTheClosedFormOfTheEma() {
    PretrainConfig c =
        TinyConfigs.pretrain("byol", 4).toBuilder()
            .tauBase(0.9)
            .tauSchedule(PretrainConfig.ScheduleKind.COSINE)
            .build();
    long total = 4;
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(
              g, StepSpec.builder().config(c, total, 100).imageShape(28, 28, 1).build());
      List<TargetEma.Pair> pairs = step.methodGraph().target().orElseThrow().pairs();
      TauSchedule schedule = Components.tauSchedule(c, total);
      try (Session s = new Session(g)) {
        s.initialize();
        // ξ starts as an exact copy of θ.
        List<float[]> xi = new ArrayList<>();
        for (TargetEma.Pair p : pairs) {
          float[] theta = TestGraphs.fetch(s, p.online().variable());
          float[] target = TestGraphs.fetch(s, p.target());
          assertArrayEquals(
              theta, target, "target " + p.target().op().name() + " is not a copy at init");
          xi.add(target);
        }
        for (int k = 0; k < 3; k++) {
          float tau;
          try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, k);
              Result r =
                  s.runner()
                      .feed(step.images(), images)
                      .addTarget(step.trainStep())
                      .fetch(step.tau())
                      .run()) {
            tau = ((TFloat32) r.get(0)).getFloat();
          }
          assertEquals(schedule.valueAt(k), tau, 1e-6, "tau at step " + k);
          for (int i = 0; i < pairs.size(); i++) {
            float[] theta = TestGraphs.fetch(s, pairs.get(i).online().variable());
            float[] prev = xi.get(i);
            float[] next = new float[prev.length];
            for (int j = 0; j < prev.length; j++) {
              next[j] = prev[j] * tau + theta[j] * (1f - tau);
            }
            xi.set(i, next);
          }
        }
        double maxDiff = 0;
        boolean moved = false;
        for (int i = 0; i < pairs.size(); i++) {
          float[] actual = TestGraphs.fetch(s, pairs.get(i).target());
          float[] theta = TestGraphs.fetch(s, pairs.get(i).online().variable());
          for (int j = 0; j < actual.length; j++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[j] - xi.get(i)[j]));
            moved |= actual[j] != theta[j];
          }
        }
        assertTrue(maxDiff < 1e-6, "EMA differs from its closed form by " + maxDiff);
        assertTrue(moved, "online and target should differ after training with tau < 1");
      }
    }
  }

  @Test
  void tauOneKeepsTheTargetAtItsRandomInit() {
    PretrainConfig c = TinyConfigs.pretrain("byol", 3).toBuilder().tauBase(1.0).build();
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(g, StepSpec.builder().config(c, 3, 100).imageShape(28, 28, 1).build());
      List<TargetEma.Pair> pairs = step.methodGraph().target().orElseThrow().pairs();
      try (Session s = new Session(g)) {
        s.initialize();
        List<float[]> initial = new ArrayList<>();
        for (TargetEma.Pair p : pairs) {
          initial.add(TestGraphs.fetch(s, p.target()));
        }
        for (int k = 0; k < 2; k++) {
          try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, k);
              Result r = s.runner().feed(step.images(), images).addTarget(step.trainStep()).run()) {
            // one step
          }
        }
        for (int i = 0; i < pairs.size(); i++) {
          assertArrayEquals(initial.get(i), TestGraphs.fetch(s, pairs.get(i).target()));
        }
      }
    }
  }
}
