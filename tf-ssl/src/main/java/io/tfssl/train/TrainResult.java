package io.tfssl.train;

import io.tfssl.eval.CollapseMonitor;
import java.nio.file.Path;

/**
 * What a call to {@link Trainer#train()} did.
 *
 * @param startStep the global step it started from (0, or the resumed checkpoint's)
 * @param endStep the global step it reached
 * @param firstLoss loss of the first step of this call
 * @param lastLoss loss of the last step
 * @param lastCollapseStd the collapse monitor at the last logged step
 * @param checkpoint prefix of the final checkpoint
 * @param imagesPerSecond mean training throughput of this call (images, not views)
 */
public record TrainResult(long startStep, long endStep, double firstLoss, double lastLoss,
    double lastCollapseStd, Path checkpoint, double imagesPerSecond) {

  /** Whether the collapse monitor ended below {@link CollapseMonitor#COLLAPSED_BELOW}. */
  public boolean collapsed() {
    return CollapseMonitor.collapsed(lastCollapseStd);
  }
}
