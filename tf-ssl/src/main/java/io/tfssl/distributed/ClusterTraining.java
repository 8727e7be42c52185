package io.tfssl.distributed;

import io.tfssl.compute.ComputeSetup;
import io.tfssl.compute.SessionConfigs;
import io.tfssl.train.Components;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Pretraining as one worker of a cluster: starts this process's TensorFlow server and opens a
 * {@link Trainer} whose steps are synchronized with the other workers ({@link DataParallel}). Every
 * worker runs the same command with its own task index:
 *
 * <pre>{@code
 * try (Trainer t = ClusterTraining.create(config, Path.of("runs/c"),
 *     ClusterSpec.parse("10.0.0.1:2222,10.0.0.2:2222", index), DataParallelOptions.defaults())) {
 *   t.train();
 * }
 * }</pre>
 *
 * <p>The chief (worker 0) uses {@code out} as its run folder and writes the checkpoints there;
 * worker i writes its config and its own metrics to {@code out/worker-i} and no checkpoints. The
 * global batch is {@code batchSize} × workers, the learning rate is scaled by it, and an epoch is
 * one pass of the global batches over the data. TF Java cannot stop a server, so the process must
 * exit when training is over ({@code tfssl} does).
 */
public final class ClusterTraining {
  private ClusterTraining() {}

  /** This worker's run folder under {@code out}. */
  public static Path runFolder(Path out, ClusterSpec cluster) {
    return cluster.isChief() ? out : out.resolve("worker-" + cluster.taskIndex());
  }

  /** Starts a new run as this worker. */
  public static Trainer create(
      PretrainConfig config, Path out, ClusterSpec cluster, DataParallelOptions options) {
    requireSupported(config, "on a cluster");
    Path dir = runFolder(out, cluster);
    if (!cluster.isChief() && Files.exists(dir.resolve("config.json"))) {
      throw new IllegalArgumentException(
          dir + " already holds a run; resume it (--resume) or" + " choose another output folder");
    }
    DataParallel replication = new DataParallel(cluster, options, config);
    startServer(cluster, config, replication);
    Trainer trainer = Trainer.create(config, dir, replication);
    ClusterRunInfo.of(cluster, options).write(dir);
    return trainer;
  }

  /**
   * Continues a cluster run as this worker: the chief restores its latest checkpoint, the others
   * start from the chief's state. The run's batch norm choice is kept; the cluster must have as
   * many workers as before (the global batch, hence the data order and the learning rate, depend on
   * it), but may run on other machines.
   */
  public static Trainer resume(
      Path out,
      UnaryOperator<PretrainConfig> change,
      ClusterSpec cluster,
      DataParallelOptions options) {
    Path dir = runFolder(out, cluster);
    ClusterRunInfo info =
        ClusterRunInfo.read(dir)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        dir
                            + " holds no run of worker "
                            + cluster.taskIndex()
                            + " of a cluster (no "
                            + ClusterRunInfo.FILE
                            + ")"));
    if (info.workers() != cluster.size()) {
      throw new IllegalArgumentException(
          "the run in "
              + dir
              + " was trained by "
              + info.workers()
              + " workers; resume it with "
              + info.workers()
              + " (got "
              + cluster.size()
              + ")");
    }
    DataParallelOptions kept =
        options.withSyncBatchNorm(info.syncBatchNorm()).withTowers(info.towers());
    PretrainConfig config = change.apply(new io.tfssl.train.RunFolder(dir).readConfig());
    requireSupported(config, "on a cluster");
    DataParallel replication = new DataParallel(cluster, kept, config);
    startServer(cluster, config, replication);
    return Trainer.resume(dir, change, replication);
  }

  /**
   * The server creates this worker's devices, so it gets the session settings of the run's device
   * and precision (threads, {@code --device cpu} hiding the GPUs, ...).
   */
  private static void startServer(
      ClusterSpec cluster, PretrainConfig config, DataParallel replication) {
    ComputeSetup compute =
        ComputeSetup.resolve(
            config.device(),
            config.precision(),
            replication.configure(SessionConfigs.training(config.threads())));
    WorkerServer.start(cluster, DataParallel.serverDefaults(compute.sessionConfig(), cluster));
  }

  /**
   * Refuses a single-process {@code --resume} of a run that a cluster or towers trained (use {@link
   * #resume} or {@link TowerTraining#resume}).
   */
  public static void requireSingleProcessRun(Path runDir) {
    ClusterRunInfo.read(runDir)
        .ifPresent(
            info -> {
              if (info.isCluster()) {
                throw new IllegalArgumentException(
                    runDir
                        + " was trained by a cluster of "
                        + info.workers()
                        + " workers; resume it with --cluster (or TF_CONFIG) and "
                        + info.workers()
                        + " workers");
              }
              throw new IllegalArgumentException(
                  runDir
                      + " was trained with "
                      + info.towers()
                      + " towers; resume it with TowerTraining.resume (tfssl pretrain --resume does)");
            });
  }

  /**
   * Methods whose state would differ between replicas are refused: a method with per-image state
   * (SimSiam's moving-average target) would update only the worker's own images' rows, and the
   * online probe trains on each worker's own labels without averaging.
   */
  static void requireSupported(PretrainConfig config, String where) {
    if (Components.method(config).needsImageIndex()) {
      throw new IllegalArgumentException(
          config.method()
              + " with per-image state (--predictor"
              + " moving-average) is not supported "
              + where
              + ": each replica would update only"
              + " the state of its own images");
    }
    if (config.onlineProbe()) {
      throw new IllegalArgumentException(
          "--online-probe is not supported "
              + where
              + ": each"
              + " replica would train its own probe");
    }
  }
}
