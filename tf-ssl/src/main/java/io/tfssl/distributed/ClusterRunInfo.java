package io.tfssl.distributed;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfssl.train.PretrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * {@code cluster.json} in a worker's run folder: how the run was replicated, so that {@code
 * --resume} continues it the same way (same number of workers and towers, same batch norm), and so
 * that a single-process {@code --resume} of a cluster run is refused instead of silently continuing
 * with a smaller global batch. A single process with towers writes it too, as a "cluster" of one
 * worker without addresses.
 *
 * @param workers the number of workers
 * @param taskIndex this worker
 * @param syncBatchNorm whether batch norm was synchronized
 * @param addresses the workers' addresses when the run started (informative; a resumed cluster may
 *     run elsewhere); empty for a single process
 * @param towers replicas in each worker's graph (0 in a file from before towers: read as 1)
 */
public record ClusterRunInfo(
    int workers, int taskIndex, boolean syncBatchNorm, List<String> addresses, int towers) {
  public ClusterRunInfo {
    towers = Math.max(1, towers);
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  static final String FILE = "cluster.json";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static ClusterRunInfo of(ClusterSpec cluster, DataParallelOptions options) {
    return new ClusterRunInfo(
        cluster.size(),
        cluster.taskIndex(),
        options.syncBatchNorm(),
        cluster.workers(),
        options.towers());
  }

  /** The info of a single process with towers. */
  static ClusterRunInfo ofProcess(DataParallelOptions options) {
    return new ClusterRunInfo(1, 0, options.syncBatchNorm(), List.of(), options.towers());
  }

  /** Whether a cluster of several worker processes trained the run (not one with towers). */
  @JsonIgnore
  public boolean isCluster() {
    return workers > 1 || !addresses.isEmpty();
  }

  /** The info of the run in {@code runDir}, if it was trained by a cluster. */
  public static Optional<ClusterRunInfo> read(Path runDir) {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), ClusterRunInfo.class));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  void write(Path runDir) {
    Path file = runDir.resolve(FILE);
    try {
      Files.createDirectories(runDir);
      Path tmp = runDir.resolve("." + FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The config as a number for the workers' handshake, without what may differ between machines
   * (the data folder, the thread count, the device) or matters only to the chief (logging,
   * checkpointing, the kNN monitor).
   */
  static long configFingerprint(PretrainConfig config) {
    ObjectNode tree = JSON.valueToTree(config);
    for (String perMachine :
        List.of(
            "dataDir",
            "threads",
            "device",
            "logEvery",
            "checkpointEvery",
            "keepCheckpoints",
            "knnMonitor")) {
      tree.remove(perMachine);
    }
    return Handshake.fingerprint(tree.toString());
  }
}
