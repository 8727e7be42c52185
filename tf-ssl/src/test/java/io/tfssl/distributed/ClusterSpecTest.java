package io.tfssl.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSpecTest {

  @Test
  void flags() {
    ClusterSpec c = ClusterSpec.parse("10.0.0.1:2222, 10.0.0.2:2223", 1);
    assertEquals(List.of("10.0.0.1:2222", "10.0.0.2:2223"), c.workers());
    assertEquals(2, c.size());
    assertEquals("grpc://10.0.0.2:2223", c.target());
    assertEquals("/job:worker/replica:0/task:0", c.leader());
    assertFalse(c.isChief());
    assertEquals(2, c.clusterDef().getJob(0).getTasksCount());
  }

  @Test
  void tfConfigWithWorkersOnly() {
    ClusterSpec c =
        ClusterSpec.fromTfConfig(
            "{\"cluster\": {\"worker\": [\"a:1\", \"b:2\", \"c:3\"]},"
                + " \"task\": {\"type\": \"worker\", \"index\": 2}}");
    assertEquals(new ClusterSpec(List.of("a:1", "b:2", "c:3"), 2), c);
  }

  @Test
  void tfConfigChiefIsWorkerZero() {
    String cluster = "\"cluster\": {\"chief\": [\"c:1\"], \"worker\": [\"w:1\", \"w:2\"]}";
    assertEquals(
        new ClusterSpec(List.of("c:1", "w:1", "w:2"), 0),
        ClusterSpec.fromTfConfig(
            "{" + cluster + ", \"task\": {\"type\": \"chief\", \"index\": 0}}"));
    assertEquals(
        new ClusterSpec(List.of("c:1", "w:1", "w:2"), 2),
        ClusterSpec.fromTfConfig(
            "{" + cluster + ", \"task\": {\"type\": \"worker\", \"index\": 1}}"));
  }

  @Test
  void flagsWinOverTfConfigAndNeitherIsOneProcess() {
    Map<String, String> env =
        Map.of(
            "TF_CONFIG",
            "{\"cluster\": {\"worker\": [\"x:1\", \"y:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 1}}");
    assertEquals(
        Optional.of(new ClusterSpec(List.of("a:1", "b:1"), 0)),
        ClusterSpec.resolve("a:1,b:1", 0, env));
    assertEquals(
        Optional.of(new ClusterSpec(List.of("x:1", "y:1"), 1)),
        ClusterSpec.resolve(null, null, env));
    assertEquals(Optional.empty(), ClusterSpec.resolve(null, null, Map.of()));
  }

  @Test
  void clearErrors() {
    assertMessage("is not host:port", () -> ClusterSpec.parse("a:1,b", 0));
    assertMessage("is not host:port", () -> ClusterSpec.parse("a:1,b:99999", 0));
    assertMessage("task index 2 is not in [0, 2)", () -> ClusterSpec.parse("a:1,b:1", 2));
    assertMessage("lists a worker twice", () -> ClusterSpec.parse("a:1,a:1", 0));
    assertMessage("--cluster needs --task-index", () -> ClusterSpec.resolve("a:1", null, Map.of()));
    assertMessage("--task-index needs --cluster", () -> ClusterSpec.resolve(null, 0, Map.of()));
    assertMessage("not valid JSON", () -> ClusterSpec.fromTfConfig("{"));
    assertMessage(
        "job 'ps' is not supported",
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"a:1\"], \"ps\": [\"p:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}"));
    assertMessage(
        "task type 'evaluator'",
        () ->
            ClusterSpec.fromTfConfig(
                "{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"type\": \"evaluator\", \"index\": 0}}"));
  }

  @Test
  void workerZeroAugmentsWithTheRunSeedAndTheOthersWithTheirOwn() {
    assertEquals(42L, DataParallel.replicaSeed(42, 0));
    long one = DataParallel.replicaSeed(42, 1);
    long two = DataParallel.replicaSeed(42, 2);
    assertNotEquals(42L, one);
    assertNotEquals(one, two);
    assertNotEquals(one, DataParallel.replicaSeed(43, 1));
    assertEquals(one, DataParallel.replicaSeed(42, 1), "a pure function of (seed, worker)");
  }

  @Test
  void aPeerFailureIsToldAsSuch() {
    ClusterSpec c = ClusterSpec.parse("a:1,b:1", 0);
    RuntimeException tf =
        new org.tensorflow.exceptions.TensorFlowException(
            "From /job:worker/replica:0/task:0:\nConnection reset by peer\n\t [[{{node all_reduce}}]]");
    RuntimeException explained = WorkerFailure.explain(tf, c, DataParallelOptions.defaults());
    assertTrue(
        explained
            .getMessage()
            .startsWith(
                "worker 0 of 2: the all-reduce with the other"
                    + " workers failed: another worker has stopped"),
        explained.getMessage());
    assertTrue(
        explained.getMessage().endsWith("TensorFlow: Connection reset by peer"),
        explained.getMessage());
    RuntimeException unrelated = new IllegalStateException("loss is NaN");
    assertEquals(unrelated, WorkerFailure.explain(unrelated, c, DataParallelOptions.defaults()));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, e);
    assertTrue(thrown.getMessage().contains(part), thrown.getMessage());
  }
}
