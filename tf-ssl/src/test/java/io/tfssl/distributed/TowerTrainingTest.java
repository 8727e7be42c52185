package io.tfssl.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.compute.Placement;
import io.tfssl.compute.Precision;
import io.tfssl.data.IdxSource;
import io.tfssl.method.PredictorMode;
import io.tfssl.method.SwavConfig;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
import io.tfssl.train.TrainingGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Towers: several replicas of the step in one graph, one per device, their gradients averaged by
 * the collective all-reduce. Here the devices are two CPU devices of one process (what a machine
 * without GPUs offers); on a GPU machine the same graph puts the towers on GPU:0 and GPU:1.
 */
class TowerTrainingTest {
  private static final String WORKER = StepDigestWorker.class.getName();
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  /**
   * Every op of tower 1, the backward pass included (Graph.addGradients places nothing by itself),
   * is requested on CPU:1 and tower 0's on CPU:0; and in the graphs TensorFlow really ran, both
   * devices ran the same number of convolution ops (forward and both gradients), and CPU:1 ran
   * tower 1's augmentation.
   */
  @Test
  void eachTowerRunsOnItsOwnDevice() {
    PretrainConfig config = TinyConfigs.pretrain("simsiam", 2).toBuilder().batchSize(8).build();
    try (Trainer trainer =
        TowerTraining.create(
            config, tmp.resolve("run"), DataParallelOptions.defaults().withTowers(2))) {
      TrainingGraph step = trainer.graph();
      int towerOne = 0;
      int towerOneGradients = 0;
      for (Iterator<GraphOperation> it = step.graph().operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.name().startsWith("tower_1/")) {
          towerOne++;
          assertTrue(op.device().endsWith("CPU:1"), op.name() + " on '" + op.device() + "'");
          if (op.name().startsWith("tower_1/gradients/")) {
            towerOneGradients++;
          }
        } else if (op.name().startsWith("gradients/") || op.name().startsWith("online/")) {
          assertTrue(op.device().endsWith("CPU:0"), op.name() + " on '" + op.device() + "'");
        }
      }
      assertTrue(towerOneGradients > 100, "tower 1's backward ops: " + towerOneGradients);
      assertTrue(towerOne > towerOneGradients);

      try (TUint8 batch = TUint8.tensorOf(Shape.of(16, 28, 28, 1));
          Result r =
              trainer
                  .session()
                  .runner()
                  .feed(step.images(), batch)
                  .addTarget(step.trainStep())
                  .setOptions(Placement.RUN_OPTIONS)
                  .runAndFetchMetadata()) {
        Placement placement = Placement.of(r.getMetadata().orElseThrow(), Precision.FP32);
        Map<String, Integer> conv = placement.convByDevice();
        assertEquals(2, conv.size(), conv.toString());
        assertEquals(conv.get("CPU:0"), conv.get("CPU:1"), conv.toString());
        Map<String, Integer> augment = placement.augmentByDevice();
        assertTrue(augment.getOrDefault("CPU:1", 0) > 0, augment.toString());
      }
    }
  }

  /**
   * With synchronized batch norm, two towers with slices of 8 hold bit-identical copies of every
   * variable after every step (the worker checks it), and equal one process trained on the batch of
   * 16 within the float tolerance of {@link ClusterTrainingTest} (same images: no augmentation);
   * one process on a batch of 8 is at least 10 times farther.
   */
  @Test
  void towersStayIdenticalAndEqualOneProcessOnTheWholeBatch() throws Exception {
    int steps = 3;
    Path towers = tmp.resolve("towers");
    Path global = tmp.resolve("global");
    Path local = tmp.resolve("local");
    Path[] logs = {tmp.resolve("towers.log"), tmp.resolve("global.log"), tmp.resolve("local.log")};
    Process[] runs = {
      start(logs[0], towers, steps, 8, true, 2),
      start(logs[1], global, steps, 16, false, 1),
      start(logs[2], local, steps, 8, false, 1)
    };
    for (int i = 0; i < runs.length; i++) {
      assertEquals(0, WorkerProcesses.await(runs[i], logs[i], 300), WorkerProcesses.tail(logs[i]));
    }
    List<String> digests = WorkerProcesses.digests(logs[0]);
    assertEquals(steps, digests.size(), WorkerProcesses.tail(logs[0]));
    assertEquals(steps, digests.stream().distinct().count(), "every step changes the variables");

    assertEquals(
        TestRuns.losses(global).get(0),
        TestRuns.losses(towers).get(0),
        1e-5,
        "loss of the first step: mean of the towers' vs the whole batch's");
    Map<String, float[]> initial = ClusterTrainingTest.initialVariables();
    for (int step : new int[] {1, steps}) {
      String file = "variables-0-step" + step + ".bin";
      Map<String, float[]> expected = ClusterTrainingTest.read(global.resolve(file));
      Map<String, float[]> all = ClusterTrainingTest.read(towers.resolve(file));
      assertTrue(all.keySet().stream().anyMatch(k -> k.startsWith("tower_1/")), "tower 1's copy");
      ClusterTrainingTest.assertLikeTheGlobalBatch(
          "2 towers x 8",
          step,
          step == 1 ? 2e-3 : 5e-2,
          initial,
          towerZero(all),
          expected,
          ClusterTrainingTest.read(local.resolve(file)));
    }
  }

  /**
   * Two workers with two towers each (four replicas, one all-reduce group across processes and
   * devices): after every step all four copies of the variables are identical.
   */
  @Test
  void workersWithTowersStayIdentical() throws Exception {
    int steps = 3;
    Path out = tmp.resolve("cluster");
    String cluster = WorkerProcesses.loopbackCluster(2);
    Path[] logs = {tmp.resolve("w0.log"), tmp.resolve("w1.log")};
    Process[] workers = new Process[2];
    for (int i = 0; i < 2; i++) {
      workers[i] =
          WorkerProcesses.start(
              logs[i],
              WORKER,
              out.toString(),
              cluster,
              String.valueOf(i),
              String.valueOf(steps),
              "4",
              "false",
              "augmented",
              "60",
              "2");
    }
    for (int i = 0; i < 2; i++) {
      assertEquals(
          0, WorkerProcesses.await(workers[i], logs[i], 300), WorkerProcesses.tail(logs[i]));
    }
    List<String> chief = WorkerProcesses.digests(logs[0]);
    assertEquals(steps, chief.size(), WorkerProcesses.tail(logs[0]));
    assertEquals(chief, WorkerProcesses.digests(logs[1]), "variables after every step");
    ClusterRunInfo info = ClusterRunInfo.read(out).orElseThrow();
    assertEquals(2, info.workers());
    assertEquals(2, info.towers());
  }

  /**
   * A tower run stopped after its checkpoint of step 2 and resumed (the towers and batch norm come
   * from the run folder) logs the losses of the straight run, exactly.
   */
  @Test
  void resumeRepeatsTheStraightRun() throws Exception {
    PretrainConfig config =
        TinyConfigs.pretrain("byol", 4).toBuilder()
            .batchSize(8)
            .checkpointEvery(2)
            .threads(1)
            .build();
    DataParallelOptions options = DataParallelOptions.defaults().withTowers(2);
    Path straight = tmp.resolve("straight");
    try (Trainer t = TowerTraining.create(config, straight, options)) {
      t.progressBar(false).train();
    }
    Path split = tmp.resolve("split");
    try (Trainer t = TowerTraining.create(config, split, options)) {
      t.progressBar(false).trainUntil(2);
    }
    assertTrue(TowerTraining.isTowerRun(split));
    IllegalArgumentException plain =
        assertThrows(
            IllegalArgumentException.class, () -> ClusterTraining.requireSingleProcessRun(split));
    assertTrue(plain.getMessage().contains("2 towers"), plain.getMessage());
    try (Trainer t = TowerTraining.resume(split, c -> c, DataParallelOptions.defaults())) {
      assertEquals(2, t.globalStep());
      t.progressBar(false).train();
    }
    List<Double> expected = TestRuns.losses(straight);
    assertEquals(4, expected.size());
    assertEquals(expected, TestRuns.losses(split));
    assertFalse(expected.stream().anyMatch(l -> l.isNaN()));
  }

  /**
   * SimCLR's negatives and SwAV's Sinkhorn-Knopp codes come from the global batch: two towers with
   * slices of 8 (synchronized BN, no augmentation) have the first-step loss of one process on the
   * whole batch of 16, and after the step tower 0's variables are within float tolerance of that
   * process's, while one process on 8 images is at least 10 times farther. With only the local
   * slice, SimCLR's loss would be that of 14 instead of 30 negatives per anchor.
   */
  @ParameterizedTest
  @ValueSource(strings = {"simclr", "swav"})
  void contrastiveLossesSeeTheGlobalBatch(String method) {
    PretrainConfig.Builder b =
        TinyConfigs.pretrain(method, 1).toBuilder()
            .threads(1)
            .view1(ViewPolicy.none())
            .view2(ViewPolicy.none());
    if (method.equals("swav")) {
      // No small crops: they would be random crops, seeded per replica.
      b.swav(new SwavConfig(List.of(64, 32), 10, 0.1, 0.05, 3, 0, 14, 0.1, 0.4));
    }
    PretrainConfig config = b.build();
    Map<String, float[]> initial;
    double towersLoss;
    Map<String, float[]> towers;
    try (Trainer t =
        TowerTraining.create(
            config.toBuilder().batchSize(8).build(),
            tmp.resolve("towers"),
            DataParallelOptions.defaults().withTowers(2).withSyncBatchNorm(true))) {
      initial = floatVariables(t);
      towersLoss = t.progressBar(false).train().firstLoss();
      towers = floatVariables(t);
    }
    double globalLoss;
    Map<String, float[]> global;
    try (Trainer t =
        Trainer.create(config.toBuilder().batchSize(16).build(), tmp.resolve("global"))) {
      globalLoss = t.progressBar(false).train().firstLoss();
      global = floatVariables(t);
    }
    Map<String, float[]> local;
    double localLoss;
    try (Trainer t =
        Trainer.create(config.toBuilder().batchSize(8).build(), tmp.resolve("local"))) {
      localLoss = t.progressBar(false).train().firstLoss();
      local = floatVariables(t);
    }
    System.out.printf(
        "%s: first loss, 2 towers x 8 %.6f, 1 x 16 %.6f, 1 x 8 %.6f%n",
        method, towersLoss, globalLoss, localLoss);
    assertEquals(globalLoss, towersLoss, 1e-4, method + ": loss of the first step");
    ClusterTrainingTest.assertLikeTheGlobalBatch(
        method + ", 2 towers x 8", 1, 2e-3, towerZero(initial), towerZero(towers), global, local);
  }

  /** Tower 0's variables: those without a {@code tower_<t>/} prefix. */
  private static Map<String, float[]> towerZero(Map<String, float[]> all) {
    return all.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("tower_"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /**
   * MoCo v2: every tower enqueues the keys of both towers (tower 0's, then tower 1's), so the
   * queues stay identical and hold the whole batch's keys, as MoCo's concat_all_gather does.
   */
  @Test
  void mocoEnqueuesTheKeysOfEveryTower() {
    PretrainConfig config = TinyConfigs.pretrain("mocov2", 1).toBuilder().batchSize(8).build();
    try (Trainer trainer =
        TowerTraining.create(
            config, tmp.resolve("moco"), DataParallelOptions.defaults().withTowers(2))) {
      TrainingGraph step = trainer.graph();
      Graph g = step.graph();
      @SuppressWarnings("unchecked")
      Operand<TFloat32> keys0 =
          (Operand<TFloat32>) (Operand<?>) g.operation("moco/batch_keys").output(0);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> keys1 =
          (Operand<TFloat32>) (Operand<?>) g.operation("tower_1/moco/batch_keys").output(0);
      float[] k0;
      float[] k1;
      byte[] noise = new byte[16 * 28 * 28];
      new Random(3).nextBytes(noise);
      try (TUint8 batch = TUint8.tensorOf(Shape.of(16, 28, 28, 1), DataBuffers.of(noise));
          Result r =
              trainer
                  .session()
                  .runner()
                  .feed(step.images(), batch)
                  .fetch(keys0)
                  .fetch(keys1)
                  .addTarget(step.trainStep())
                  .run()) {
        k0 = TestGraphs.flat((TFloat32) r.get(0));
        k1 = TestGraphs.flat((TFloat32) r.get(1));
      }
      Map<String, float[]> v = floatVariables(trainer);
      float[] queue = v.get("moco/keys");
      assertTrue(Arrays.equals(queue, v.get("tower_1/moco/keys")), "the towers' queues");
      int tail = k0.length + k1.length;
      float[] newest = Arrays.copyOfRange(queue, queue.length - tail, queue.length);
      float[] expected = new float[tail];
      System.arraycopy(k0, 0, expected, 0, k0.length);
      System.arraycopy(k1, 0, expected, k0.length, k1.length);
      assertTrue(Arrays.equals(expected, newest), "the queue's newest rows");
      assertFalse(Arrays.equals(k0, k1), "the towers' keys differ");
    }
  }

  /** Every float variable of the trainer's session, by name. */
  private static Map<String, float[]> floatVariables(Trainer t) {
    Map<String, float[]> out = new TreeMap<>();
    for (GraphOperation v : GraphVariables.all(t.session().graph())) {
      if (GraphVariables.dtype(v) == DataType.DT_FLOAT) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> value = (Operand<TFloat32>) (Operand<?>) v.output(0);
        out.put(v.name(), TestGraphs.fetch(t.session(), value));
      }
    }
    return out;
  }

  /**
   * Per-image state and the online probe would differ between towers: refused before anything is
   * built.
   */
  @Test
  void refusesStateThatTowersCannotShare() {
    DataParallelOptions options = DataParallelOptions.defaults().withTowers(2);
    PretrainConfig perImage =
        TinyConfigs.pretrain("simsiam", 2).toBuilder()
            .simsiam(TinyConfigs.simsiam().withPredictor(PredictorMode.MOVING_AVERAGE))
            .build();
    IllegalArgumentException table =
        assertThrows(
            IllegalArgumentException.class,
            () -> TowerTraining.create(perImage, tmp.resolve("m"), options));
    assertTrue(
        table
            .getMessage()
            .contains(
                "per-image state (--predictor moving-average) is not" + " supported with towers"),
        table.getMessage());
    IllegalArgumentException probe =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TowerTraining.create(
                    TinyConfigs.pretrain("simsiam", 2).toBuilder().onlineProbe(true).build(),
                    tmp.resolve("p"),
                    options));
    assertTrue(
        probe.getMessage().contains("--online-probe is not supported with towers"),
        probe.getMessage());
    assertFalse(Files.exists(tmp.resolve("m").resolve("config.json")));
  }

  private static Process start(Path log, Path out, int steps, int batch, boolean syncBn, int towers)
      throws Exception {
    return WorkerProcesses.start(
        log,
        WORKER,
        out.toString(),
        "single",
        "0",
        String.valueOf(steps),
        String.valueOf(batch),
        String.valueOf(syncBn),
        "none",
        "60",
        String.valueOf(towers));
  }
}
