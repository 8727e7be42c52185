package io.tfssl.train;

import java.nio.file.Path;

/**
 * Training stopped because a step's loss or a gradient was NaN or Inf. The check runs in the graph
 * before the update ({@link NonFiniteGuard}), so no weight of that step was written and the newest
 * checkpoint holds only finite values.
 */
public final class NonFiniteLossException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final long step;
  private final transient Path lastCheckpoint;

  NonFiniteLossException(long step, String what, Path lastCheckpoint) {
    super(
        "step "
            + step
            + ": "
            + what
            + "; training stopped before this step's update. "
            + (lastCheckpoint == null
                ? "No checkpoint was written yet."
                : "The last good checkpoint is " + lastCheckpoint.getParent() + ".")
            + " Start again with a lower learning rate (--lr) or a longer warm-up (--warmup-epochs).");
    this.step = step;
    this.lastCheckpoint = lastCheckpoint;
  }

  /** The 1-based step whose loss or gradients were not finite. */
  public long step() {
    return step;
  }

  /** The newest checkpoint when training stopped (null if none had been written). */
  public Path lastCheckpoint() {
    return lastCheckpoint;
  }
}
