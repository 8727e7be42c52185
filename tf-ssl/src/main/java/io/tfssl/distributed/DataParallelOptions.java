package io.tfssl.distributed;

import java.util.List;

/**
 * How the replicas train together.
 *
 * @param syncBatchNorm batch norm with the statistics of the global batch ({@link SyncBatchNorm})
 *     instead of each replica's own batch
 * @param collectiveTimeoutSeconds how long a replica waits for the others in any collective
 *     (forming the group at start, and every step) before it stops with an error; it must cover the
 *     longest pause of one worker, such as the chief writing a checkpoint or running the kNN
 *     monitor
 * @param communication TF's {@code communication_hint}: {@code auto}, {@code ring} (gRPC) or {@code
 *     nccl} (GPUs)
 * @param towers replicas in each process's graph, one per device (GPU:0, GPU:1, ...; on a machine
 *     without GPUs, CPU devices, which share the same cores: for tests)
 */
public record DataParallelOptions(
    boolean syncBatchNorm, double collectiveTimeoutSeconds, String communication, int towers) {
  public static final List<String> COMMUNICATIONS = List.of("auto", "ring", "nccl");
  public static final double DEFAULT_TIMEOUT_SECONDS = 300;

  public DataParallelOptions {
    if (!(collectiveTimeoutSeconds > 0) || !Double.isFinite(collectiveTimeoutSeconds)) {
      throw new IllegalArgumentException(
          "the collective timeout must be a positive number of"
              + " seconds, got "
              + collectiveTimeoutSeconds);
    }
    if (!COMMUNICATIONS.contains(communication)) {
      throw new IllegalArgumentException(
          "communication must be one of " + COMMUNICATIONS + ", got '" + communication + "'");
    }
    if (towers < 1) {
      throw new IllegalArgumentException("towers must be at least 1, got " + towers);
    }
  }

  /** One tower, local batch norm, a 5-minute timeout, TF's choice of communication. */
  public static DataParallelOptions defaults() {
    return new DataParallelOptions(false, DEFAULT_TIMEOUT_SECONDS, "auto", 1);
  }

  public DataParallelOptions withSyncBatchNorm(boolean value) {
    return new DataParallelOptions(value, collectiveTimeoutSeconds, communication, towers);
  }

  public DataParallelOptions withCollectiveTimeout(double seconds) {
    return new DataParallelOptions(syncBatchNorm, seconds, communication, towers);
  }

  public DataParallelOptions withCommunication(String value) {
    return new DataParallelOptions(syncBatchNorm, collectiveTimeoutSeconds, value, towers);
  }

  public DataParallelOptions withTowers(int value) {
    return new DataParallelOptions(syncBatchNorm, collectiveTimeoutSeconds, communication, value);
  }
}
