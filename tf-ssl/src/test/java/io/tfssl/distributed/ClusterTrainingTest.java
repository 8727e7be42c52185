package io.tfssl.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TestRuns;
import io.tfssl.data.IdxSource;
import io.tfssl.train.StepSpec;
import io.tfssl.train.TrainingGraph;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Worker processes on 127.0.0.1 train a tiny SimSiam through TensorFlow's gRPC servers and
 * collective all-reduce.
 */
class ClusterTrainingTest {
  private static final String WORKER = StepDigestWorker.class.getName();
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  /**
   * A cluster of one worker (its session on its own TF server, the gradient "all-reduce" over a
   * group of one, the moving statistics averaged over one worker, worker 0's seeds) repeats a
   * single-process run bit for bit.
   */
  @Test
  void oneWorkerRepeatsASingleProcessRunBitForBit() throws Exception {
    int steps = 3;
    Path log = tmp.resolve("w0.log");
    Path singleLog = tmp.resolve("single.log");
    Process worker =
        start(
            log,
            tmp.resolve("cluster"),
            WorkerProcesses.loopbackCluster(1),
            0,
            steps,
            8,
            false,
            "augmented",
            60);
    Process single =
        start(singleLog, tmp.resolve("single"), "single", 0, steps, 8, false, "augmented", 60);
    assertEquals(0, WorkerProcesses.await(single, singleLog, 300), WorkerProcesses.tail(singleLog));
    assertEquals(0, WorkerProcesses.await(worker, log, 300), WorkerProcesses.tail(log));
    List<String> expected = WorkerProcesses.digests(singleLog);
    assertEquals(steps, expected.size(), WorkerProcesses.tail(singleLog));
    assertEquals(expected, WorkerProcesses.digests(log));
  }

  /**
   * With synchronized batch norm, two workers with batches of 8 hold bit-identical variables after
   * every step, and equal one process trained on the global batch of 16 (the same images: no
   * augmentation, so that both see the same views) within float tolerance: the same loss, and the
   * same variables.
   *
   * <p>Float tolerance for the variables: their distance, relative to how far the weights moved
   * from their initial values. The tiny SimSiam amplifies rounding quickly: the same single-process
   * run with oneDNN's kernels on and off ends 0.4% of the displacement apart after 1 step and 3%
   * after 4 (measured on this code). So the bound is 2e-3 after the first step and 5e-2 after the
   * third, and one process on a batch of 8 must be at least 10 times farther: the comparison tells
   * the global batch apart. Every run is a fresh JVM on one thread, so that they all sum in the
   * same order where they can.
   */
  @Test
  void workersStayIdenticalAndEqualOneProcessOnTheGlobalBatch() throws Exception {
    int steps = 3;
    Path out = tmp.resolve("cluster");
    String cluster = WorkerProcesses.loopbackCluster(2);
    Path[] logs = {tmp.resolve("w0.log"), tmp.resolve("w1.log")};
    Process[] workers = new Process[2];
    for (int i = 0; i < 2; i++) {
      workers[i] = start(logs[i], out, cluster, i, steps, 8, true, "none", 60);
    }
    for (int i = 0; i < 2; i++) {
      assertEquals(
          0, WorkerProcesses.await(workers[i], logs[i], 300), WorkerProcesses.tail(logs[i]));
    }
    List<String> chief = WorkerProcesses.digests(logs[0]);
    assertEquals(steps, chief.size(), WorkerProcesses.tail(logs[0]));
    assertEquals(chief, WorkerProcesses.digests(logs[1]), "variables after every step");
    assertEquals(steps, chief.stream().distinct().count(), "every step changes the variables");

    Path global = tmp.resolve("global");
    Path local = tmp.resolve("local");
    Path globalLog = tmp.resolve("global.log");
    Path localLog = tmp.resolve("local.log");
    Process globalRun = start(globalLog, global, "single", 0, steps, 16, false, "none", 60);
    Process localRun = start(localLog, local, "single", 0, steps, 8, false, "none", 60);
    assertEquals(
        0, WorkerProcesses.await(globalRun, globalLog, 300), WorkerProcesses.tail(globalLog));
    assertEquals(0, WorkerProcesses.await(localRun, localLog, 300), WorkerProcesses.tail(localLog));

    double workersLoss =
        (TestRuns.losses(out).get(0) + TestRuns.losses(out.resolve("worker-1")).get(0)) / 2;
    assertEquals(
        TestRuns.losses(global).get(0),
        workersLoss,
        1e-5,
        "loss of the first step: mean of the workers' vs the global batch's");
    // The variables before the first step: the same in every run (the run seed).
    Map<String, float[]> initial = initialVariables();
    for (int step : new int[] {1, steps}) {
      String file = "variables-0-step" + step + ".bin";
      assertLikeTheGlobalBatch(
          "2 workers x 8",
          step,
          step == 1 ? 2e-3 : 5e-2,
          initial,
          read(out.resolve(file)),
          read(global.resolve(file)),
          read(local.resolve(file)));
    }
  }

  /**
   * Replica 0's variables after {@code step} ({@code replicated}) are within {@code bound} of one
   * process on the global batch, and one process on a replica's batch ({@code local}) is at least
   * 10 times farther: distances relative to how far the global run's weights moved from {@code
   * initial}.
   */
  static void assertLikeTheGlobalBatch(
      String what,
      int step,
      double bound,
      Map<String, float[]> initial,
      Map<String, float[]> replicated,
      Map<String, float[]> global,
      Map<String, float[]> local) {
    assertEquals(global.keySet(), replicated.keySet());
    double moved = distance(global, initial);
    double toGlobal = distance(replicated, global) / moved;
    double toLocal = distance(local, global) / moved;
    System.out.printf(
        "step %d: %s vs 1 process x 16: %.3g of the displacement %.3g; 1 process"
            + " x 8 vs x 16: %.3g%n",
        step, what, toGlobal, moved, toLocal);
    assertTrue(toGlobal < bound, "step " + step + ": " + what + " vs 1 process x 16: " + toGlobal);
    assertTrue(
        toLocal > 10 * toGlobal,
        "step " + step + ": 1 process x 8 is not told apart: " + toLocal + " vs " + toGlobal);
  }

  /**
   * Killing one worker stops the other with an error that says so, within the collective timeout,
   * instead of a hang; then both restart with {@code tfssl pretrain --resume} and finish the run
   * from the chief's last checkpoint. Local batch norm and per-worker augmentation here: the moving
   * statistics are averaged, so the variables are still identical after every step.
   */
  @Test
  void killingAWorkerStopsTheOtherAndBothResume() throws Exception {
    int steps = 6;
    Path out = tmp.resolve("cluster");
    String cluster = WorkerProcesses.loopbackCluster(2);
    Path[] logs = {tmp.resolve("w0.log"), tmp.resolve("w1.log")};
    Process[] workers = new Process[2];
    for (int i = 0; i < 2; i++) {
      workers[i] = start(logs[i], out, cluster, i, steps, 8, false, "augmented", 20);
    }
    WorkerProcesses.awaitLine(workers[1], logs[1], "step 3 ", 300);
    workers[1].destroyForcibly().waitFor();
    long killed = System.nanoTime();
    assertEquals(1, WorkerProcesses.await(workers[0], logs[0], 120), WorkerProcesses.tail(logs[0]));
    double stoppedAfter = (System.nanoTime() - killed) / 1e9;
    System.out.printf("the chief stopped %.1f s after worker 1 was killed%n", stoppedAfter);
    String chiefLog = String.join("\n", WorkerProcesses.lines(logs[0]));
    assertTrue(
        chiefLog.contains(
            "failed: worker 0 of 2: the all-reduce with the other workers"
                + " failed: another worker has stopped, crashed or hangs"),
        chiefLog);
    assertTrue(stoppedAfter < 20 + 30, "the chief stopped " + stoppedAfter + " s after the kill");
    List<String> chief = WorkerProcesses.digests(logs[0]);
    List<String> other = WorkerProcesses.digests(logs[1]);
    assertTrue(other.size() >= 3 && chief.size() >= 3, chief + " / " + other);
    assertEquals(chief.subList(0, 3), other.subList(0, 3), "variables after steps 1-3");

    long checkpointed =
        TestRuns.records(out).stream().mapToLong(r -> r.get("step").asLong()).max().orElseThrow();
    String resumed = WorkerProcesses.loopbackCluster(2);
    Path[] resumeLogs = {tmp.resolve("r0.log"), tmp.resolve("r1.log")};
    for (int i = 0; i < 2; i++) {
      workers[i] =
          WorkerProcesses.start(
              resumeLogs[i],
              "io.tfssl.cli.TfSsl",
              "pretrain",
              "--out",
              out.toString(),
              "--resume",
              "--cluster",
              resumed,
              "--task-index",
              String.valueOf(i),
              "--collective-timeout",
              "60",
              "--no-progress");
    }
    for (int i = 0; i < 2; i++) {
      assertEquals(
          0,
          WorkerProcesses.await(workers[i], resumeLogs[i], 300),
          WorkerProcesses.tail(resumeLogs[i]));
    }
    String resumeLog = String.join("\n", WorkerProcesses.lines(resumeLogs[0]));
    assertTrue(resumeLog.contains("steps " + checkpointed + ".." + steps), resumeLog);
    assertTrue(
        Files.isRegularFile(out.resolve("checkpoints/step-0000000" + steps + "/ckpt.index")));
    assertTrue(Files.notExists(out.resolve("worker-1/checkpoints")), "only the chief checkpoints");
    List<Long> logged = TestRuns.records(out).stream().map(r -> r.get("step").asLong()).toList();
    assertEquals(steps, logged.get(logged.size() - 1));
  }

  private static Process start(
      Path log,
      Path out,
      String cluster,
      int task,
      int steps,
      int batch,
      boolean syncBn,
      String views,
      int timeoutSeconds)
      throws Exception {
    return WorkerProcesses.start(
        log,
        WORKER,
        out.toString(),
        cluster,
        String.valueOf(task),
        String.valueOf(steps),
        String.valueOf(batch),
        String.valueOf(syncBn),
        views,
        String.valueOf(timeoutSeconds));
  }

  /** The float variables of the test's network before training (built here, not trained). */
  static Map<String, float[]> initialVariables() {
    try (Graph g = new Graph()) {
      new TrainingGraph(
          g,
          StepSpec.builder()
              .config(StepDigestWorker.config(1, 8, true), 1, 1)
              .imageShape(28, 28, 1)
              .build());
      try (Session s = new Session(g)) {
        s.initialize();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (GraphOperation v : GraphVariables.all(g)) {
          if (GraphVariables.dtype(v) == DataType.DT_FLOAT) {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> value = (Operand<TFloat32>) (Operand<?>) v.output(0);
            out.put(v.name(), TestGraphs.fetch(s, value));
          }
        }
        return out;
      }
    }
  }

  static Map<String, float[]> read(Path file) throws Exception {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new FileInputStream(file.toFile()))) {
      while (true) {
        String name;
        try {
          name = in.readUTF();
        } catch (EOFException end) {
          return out;
        }
        float[] values = new float[in.readInt()];
        for (int i = 0; i < values.length; i++) {
          values[i] = in.readFloat();
        }
        out.put(name, values);
      }
    }
  }

  /** The Euclidean distance between two sets of variables (all values of all variables). */
  static double distance(Map<String, float[]> a, Map<String, float[]> b) {
    double sum = 0;
    for (Map.Entry<String, float[]> e : a.entrySet()) {
      float[] x = e.getValue();
      float[] y = b.get(e.getKey());
      assertEquals(x.length, y.length, e.getKey());
      for (int i = 0; i < x.length; i++) {
        double d = (double) x[i] - y[i];
        sum += d * d;
      }
    }
    return Math.sqrt(sum);
  }
}
