package io.tfssl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free-space check made before training starts: a run that cannot hold its checkpoints should
 * fail in the first second, not hours later at its first checkpoint.
 */
final class DiskSpace {
  /** Room for metrics, TensorBoard events, config files and the checkpoint index files. */
  static final long SLACK_BYTES = 4L << 20;

  private DiskSpace() {}

  /**
   * Bytes a run keeping {@code keep} checkpoints of {@code checkpointBytes} each needs: a new
   * checkpoint is written completely before the oldest is deleted, so {@code keep + 1} exist for a
   * moment.
   */
  static long needed(long checkpointBytes, int keep) {
    return checkpointBytes * (keep + 1L) + SLACK_BYTES;
  }

  /**
   * Throws when the file system of {@code dir} (created if missing) has fewer usable bytes than
   * {@link #needed}. Checkpoints already in the folder count as room: they are replaced.
   */
  static void check(Path dir, long checkpointBytes, int keep, long bytesAlreadyThere) {
    long usable;
    try {
      Files.createDirectories(dir);
      usable = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
    long need = needed(checkpointBytes, keep) - bytesAlreadyThere;
    if (usable < need) {
      throw new InsufficientDiskSpaceException(
          String.format(
              "not enough free disk space for the run in %s: it needs about %s (%d checkpoints of"
                  + " %s kept, plus one being written, plus logs) and only %s is free. Free some"
                  + " space, lower --keep-checkpoints or choose another --out.",
              dir, human(need), keep, human(checkpointBytes), human(usable)));
    }
  }

  static String human(long bytes) {
    if (bytes < 10L << 20) {
      return String.format("%.0f KB", bytes / 1024.0);
    }
    if (bytes < 10L << 30) {
      return String.format("%.0f MB", bytes / 1048576.0);
    }
    return String.format("%.1f GB", bytes / 1073741824.0);
  }

  /** Raised by {@link DiskSpace#check}. */
  static final class InsufficientDiskSpaceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InsufficientDiskSpaceException(String message) {
      super(message);
    }
  }
}
