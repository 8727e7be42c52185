package io.tfssl.distributed;

import org.tensorflow.exceptions.TensorFlowException;

/**
 * A step that failed because the cluster broke, told as such. When a peer stops (killed, crashed,
 * its machine gone) the others' collectives fail with TensorFlow's {@code DeadlineExceeded:
 * Collective has timed out} after the collective timeout, or with {@code Unavailable} when gRPC
 * notices the lost connection first.
 */
final class WorkerFailure {
  private WorkerFailure() {}

  static RuntimeException explain(
      RuntimeException failure, ClusterSpec spec, DataParallelOptions options) {
    if (!(failure instanceof TensorFlowException) || !isClusterFailure(failure.getMessage())) {
      return failure;
    }
    return new IllegalStateException(
        "worker "
            + spec.taskIndex()
            + " of "
            + spec.size()
            + ": the all-reduce with the other workers failed: another worker has stopped, crashed"
            + " or hangs (a worker waits at most "
            + Math.round(options.collectiveTimeoutSeconds())
            + " s for the others). Restart every worker with --resume to continue from the chief's"
            + " last checkpoint. TensorFlow: "
            + reason(failure.getMessage()),
        failure);
  }

  /** The first line of TF's message that says something (not "From /job:...:"). */
  static String reason(String message) {
    for (String line : message.strip().split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !(l.startsWith("From /job:") && l.endsWith(":"))) {
        return l;
      }
    }
    return message.strip();
  }

  static boolean isClusterFailure(String message) {
    if (message == null) {
      return false;
    }
    return message.contains("Collective")
        || message.contains("all_reduce")
        || message.contains("UNAVAILABLE")
        || message.contains("Unavailable")
        || message.contains("DEADLINE_EXCEEDED")
        || message.contains("Socket closed")
        || message.contains("Connection reset")
        || message.contains("failed to connect");
  }
}
