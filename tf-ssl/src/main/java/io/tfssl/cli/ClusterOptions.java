package io.tfssl.cli;

import io.tfssl.distributed.ClusterSpec;
import io.tfssl.distributed.DataParallelOptions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s options for synchronous data-parallel training: as one worker of a cluster
 * (TensorFlow's gRPC servers and collective all-reduce), with several towers (one per GPU) in one
 * process, or both.
 */
final class ClusterOptions {
  @Option(
      names = "--cluster",
      paramLabel = "HOST:PORT,...",
      description =
          "Train as one worker of a cluster: every worker's address, the chief first"
              + " (default: the TF_CONFIG environment variable; neither: one process).")
  String cluster;

  @Option(
      names = "--task-index",
      paramLabel = "I",
      description =
          "This worker's position in --cluster (0: the chief, which writes the" + " checkpoints).")
  Integer taskIndex;

  @Option(
      names = "--towers",
      paramLabel = "N",
      description =
          "Replicas of the step in this process, one per GPU (towers in one graph,"
              + " gradients averaged by the all-reduce; NCCL with --communication nccl). Each trains"
              + " on --batch-size images, so a step takes --batch-size x N (x workers). Without GPUs:"
              + " N CPU devices sharing the same cores, a check, not a speed-up (default 1).")
  Integer towers;

  @Option(
      names = "--sync-bn",
      negatable = true,
      description =
          "Cluster or towers: batch norm with the statistics of the global batch (as"
              + " BYOL and SimCLR do) instead of each replica's own batch.")
  Boolean syncBn;

  @Option(
      names = "--collective-timeout",
      paramLabel = "SECONDS",
      description =
          "Cluster or towers: how long a replica waits for the others (at start and in"
              + " every step) before it stops with an error (default: 300).")
  Double collectiveTimeout;

  @Option(
      names = "--communication",
      paramLabel = "auto|ring|nccl",
      description =
          "Cluster or towers: how the all-reduce communicates (TensorFlow's"
              + " communication_hint; default auto).")
  String communication;

  /** The cluster of the flags or of TF_CONFIG in {@code env}; empty for a single process. */
  Optional<ClusterSpec> spec(Map<String, String> env) {
    if (towers != null) {
      CliChecks.positive("--towers", towers);
    }
    Optional<ClusterSpec> spec = ClusterSpec.resolve(cluster, taskIndex, env);
    Given.rejectUnless(
        spec.isPresent() || towers() > 1,
        "a cluster (--cluster or TF_CONFIG) or to --towers 2 or more",
        List.of(
            Given.of("--sync-bn", syncBn),
            Given.of("--collective-timeout", collectiveTimeout),
            Given.of("--communication", communication)));
    return spec;
  }

  /** The towers per process (1 unless --towers). */
  int towers() {
    return towers == null ? 1 : towers;
  }

  DataParallelOptions options() {
    DataParallelOptions o = DataParallelOptions.defaults().withTowers(towers());
    if (syncBn != null) {
      o = o.withSyncBatchNorm(syncBn);
    }
    if (collectiveTimeout != null) {
      o = o.withCollectiveTimeout(collectiveTimeout);
    }
    if (communication != null) {
      o = o.withCommunication(communication);
    }
    return o;
  }
}
