package io.tfssl.distributed;

import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Replication;
import io.tfssl.train.RunFolder;
import io.tfssl.train.Trainer;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Pretraining with several replicas of the step in one process ("towers"), one per GPU: each tower
 * trains on its slice of the batch on its own device with its own copy of the variables, and the
 * gradients are averaged by TensorFlow's collective all-reduce (NCCL between GPUs with {@code
 * communication} {@code nccl}), the same all-reduce a cluster uses between machines.
 *
 * <pre>{@code
 * try (Trainer t = TowerTraining.create(config, Path.of("runs/t"),
 *     DataParallelOptions.defaults().withTowers(4).withCommunication("nccl"))) {
 *   t.train();
 * }
 * }</pre>
 *
 * <p>The batch of a step is {@code batchSize} × towers, and the learning rate is scaled by it.
 * Checkpoints hold every tower's copy (they are equal); export and the monitors read tower 0.
 * Without GPUs the towers are CPU devices that share the same cores: that checks the arithmetic,
 * not the speed.
 */
public final class TowerTraining {
  private TowerTraining() {}

  /** Starts a new run with {@code options.towers()} towers. */
  public static Trainer create(PretrainConfig config, Path out, DataParallelOptions options) {
    ClusterTraining.requireSupported(config, "with towers");
    Trainer trainer = Trainer.create(config, out, DataParallel.inProcess(options, config));
    ClusterRunInfo.ofProcess(options).write(out);
    return trainer;
  }

  /**
   * Continues a tower run with its number of towers and batch norm choice (the global batch, hence
   * the data order and the learning rate, depend on them).
   */
  public static Trainer resume(
      Path out, UnaryOperator<PretrainConfig> change, DataParallelOptions options) {
    ClusterRunInfo info =
        ClusterRunInfo.read(out)
            .filter(i -> !i.isCluster())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        out
                            + " holds no run trained with"
                            + " towers in one process (no "
                            + ClusterRunInfo.FILE
                            + ")"));
    DataParallelOptions kept =
        options.withSyncBatchNorm(info.syncBatchNorm()).withTowers(info.towers());
    PretrainConfig config = change.apply(new RunFolder(out).readConfig());
    ClusterTraining.requireSupported(config, "with towers");
    return Trainer.resume(out, change, DataParallel.inProcess(kept, config));
  }

  /**
   * The replication a tower run builds its step with, for tools that only inspect the step's graph
   * ({@code bench gpu-audit}). Its towers are CPU devices until {@code use} sees GPUs.
   */
  public static Replication replication(PretrainConfig config, DataParallelOptions options) {
    ClusterTraining.requireSupported(config, "with towers");
    return DataParallel.inProcess(options, config);
  }

  /** Whether the run in {@code runDir} was trained with towers in one process. */
  public static boolean isTowerRun(Path runDir) {
    return ClusterRunInfo.read(runDir).map(i -> !i.isCluster()).orElse(false);
  }
}
