package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A checkpoint restored into a freshly built graph gives bit-identical variables (weights, BN
 * statistics, optimizer slots, EMA target, global step) and the same next-step loss.
 */
class CheckpointRestoreTest {
  @TempDir Path dir;

  private static Map<String, float[]> floatVariables(Graph g, Session s) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (var it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2") && TFloat32.class.equals(op.output(0).type())) {
        try (Result r = s.runner().fetch(op.name()).run()) {
          values.put(op.name(), TestGraphs.flat((TFloat32) r.get(0)));
        }
      }
    }
    return values;
  }

  private static float step(Session s, TrainingGraph t, long seed) {
    try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, seed);
        Result r =
            s.runner().feed(t.images(), images).addTarget(t.trainStep()).fetch(t.loss()).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simsiam", "byol"})
  void restoreIsBitExact(String method) {
    PretrainConfig c = TinyConfigs.pretrain(method, 10);
    long[] shape = {28, 28, 1};
    Checkpoints checkpoints = new Checkpoints(dir.resolve(method), 2);
    Map<String, float[]> saved;
    float nextLoss;
    Map<String, float[]> afterNext;
    try (Graph g = new Graph()) {
      TrainingGraph t =
          new TrainingGraph(g, StepSpec.builder().config(c, 10, 5).imageShape(shape).build());
      try (Session s = new Session(g)) {
        s.initialize();
        step(s, t, 1);
        step(s, t, 2);
        checkpoints.save(s, 2);
        saved = floatVariables(g, s);
        nextLoss = step(s, t, 3);
        afterNext = floatVariables(g, s);
      }
    }
    assertTrue(
        saved.keySet().stream().anyMatch(n -> n.contains("momentum")),
        "optimizer slots should be variables: " + saved.keySet());
    assertTrue(Files.isRegularFile(checkpoints.dir().resolve("latest")));
    try (Graph g = new Graph()) {
      TrainingGraph t =
          new TrainingGraph(g, StepSpec.builder().config(c, 10, 5).imageShape(shape).build());
      try (Session s = new Session(g)) {
        checkpoints.restoreLatest(s);
        try (Result r = s.runner().fetch(t.globalStep()).run()) {
          assertEquals(2L, ((TInt64) r.get(0)).getObject());
        }
        Map<String, float[]> restored = floatVariables(g, s);
        assertEquals(saved.keySet(), restored.keySet());
        for (String name : saved.keySet()) {
          assertArrayEquals(saved.get(name), restored.get(name), "variable " + name);
        }
        float loss = step(s, t, 3);
        assertEquals(
            Float.floatToIntBits(nextLoss),
            Float.floatToIntBits(loss),
            "next-step loss after restore: " + loss + " vs " + nextLoss);
        Map<String, float[]> after = floatVariables(g, s);
        for (String name : afterNext.keySet()) {
          assertArrayEquals(
              afterNext.get(name), after.get(name), "variable after the next step " + name);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3})
  void onlyTheNewestCheckpointsAreKept(int keep) throws Exception {
    PretrainConfig c = TinyConfigs.pretrain("simsiam", 10);
    Checkpoints checkpoints = new Checkpoints(dir.resolve("keep"), keep);
    try (Graph g = new Graph()) {
      new TrainingGraph(g, StepSpec.builder().config(c, 10, 5).imageShape(28, 28, 1).build());
      try (Session s = new Session(g)) {
        s.initialize();
        for (long k = 1; k <= 5; k++) {
          checkpoints.save(s, k);
        }
      }
    }
    try (var files = Files.list(checkpoints.dir())) {
      assertEquals(
          java.util.List.of("latest", "step-00000003", "step-00000004", "step-00000005"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(
        checkpoints.dir().resolve("step-00000005").resolve("ckpt"),
        checkpoints.latest().orElseThrow());
    assertFalse(Files.exists(checkpoints.dir().resolve(".tmp-step-00000005")));
  }
}
