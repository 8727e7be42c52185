package io.tfssl.distributed;

import java.util.List;

/**
 * How the workers train together.
 *
 * @param syncBatchNorm batch norm with the statistics of the global batch ({@link SyncBatchNorm})
 *     instead of each worker's own batch
 * @param collectiveTimeoutSeconds how long a worker waits for the others in any collective
 *     (forming the group at start, and every step) before it stops with an error; it must cover
 *     the longest pause of one worker, such as the chief writing a checkpoint or running the kNN
 *     monitor
 * @param communication TF's {@code communication_hint}: {@code auto}, {@code ring} (gRPC) or
 *     {@code nccl} (GPUs)
 */
public record DataParallelOptions(boolean syncBatchNorm, double collectiveTimeoutSeconds,
    String communication) {
  public static final List<String> COMMUNICATIONS = List.of("auto", "ring", "nccl");
  public static final double DEFAULT_TIMEOUT_SECONDS = 300;

  public DataParallelOptions {
    if (!(collectiveTimeoutSeconds > 0) || !Double.isFinite(collectiveTimeoutSeconds)) {
      throw new IllegalArgumentException("the collective timeout must be a positive number of"
          + " seconds, got " + collectiveTimeoutSeconds);
    }
    if (!COMMUNICATIONS.contains(communication)) {
      throw new IllegalArgumentException("communication must be one of " + COMMUNICATIONS
          + ", got '" + communication + "'");
    }
  }

  /** Local batch norm, a 5-minute timeout, TF's choice of communication. */
  public static DataParallelOptions defaults() {
    return new DataParallelOptions(false, DEFAULT_TIMEOUT_SECONDS, "auto");
  }

  public DataParallelOptions withSyncBatchNorm(boolean value) {
    return new DataParallelOptions(value, collectiveTimeoutSeconds, communication);
  }

  public DataParallelOptions withCollectiveTimeout(double seconds) {
    return new DataParallelOptions(syncBatchNorm, seconds, communication);
  }

  public DataParallelOptions withCommunication(String value) {
    return new DataParallelOptions(syncBatchNorm, collectiveTimeoutSeconds, value);
  }
}
