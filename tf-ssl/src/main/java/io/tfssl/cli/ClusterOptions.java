package io.tfssl.cli;

import io.tfssl.distributed.ClusterSpec;
import io.tfssl.distributed.DataParallelOptions;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s options for training as one worker of a synchronous data-parallel cluster
 * (TensorFlow's gRPC servers and collective all-reduce).
 */
final class ClusterOptions {
  @Option(names = "--cluster", paramLabel = "HOST:PORT,...",
      description = "Train as one worker of a cluster: every worker's address, the chief first"
          + " (default: the TF_CONFIG environment variable; neither: one process).")
  String cluster;

  @Option(names = "--task-index", paramLabel = "I",
      description = "This worker's position in --cluster (0: the chief, which writes the"
          + " checkpoints).")
  Integer taskIndex;

  @Option(names = "--sync-bn", negatable = true,
      description = "Cluster: batch norm with the statistics of the global batch (as BYOL and"
          + " SimCLR do) instead of each worker's own batch.")
  Boolean syncBn;

  @Option(names = "--collective-timeout", paramLabel = "SECONDS",
      description = "Cluster: how long a worker waits for the others (at start and in every"
          + " step) before it stops with an error (default: 300).")
  Double collectiveTimeout;

  @Option(names = "--communication", paramLabel = "auto|ring|nccl",
      description = "Cluster: how the all-reduce communicates (TensorFlow's communication_hint;"
          + " default auto).")
  String communication;

  /** The cluster of the flags or of TF_CONFIG in {@code env}; empty for a single process. */
  Optional<ClusterSpec> spec(Map<String, String> env) {
    Optional<ClusterSpec> spec = ClusterSpec.resolve(cluster, taskIndex, env);
    if (spec.isEmpty()) {
      for (Object[] flag : new Object[][] {{"--sync-bn", syncBn},
          {"--collective-timeout", collectiveTimeout}, {"--communication", communication}}) {
        if (flag[1] != null) {
          throw new UsageException(flag[0] + " applies only to a cluster (--cluster or TF_CONFIG)");
        }
      }
    }
    return spec;
  }

  DataParallelOptions options() {
    DataParallelOptions o = DataParallelOptions.defaults();
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
