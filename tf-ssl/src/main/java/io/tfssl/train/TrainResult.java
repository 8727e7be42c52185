package io.tfssl.train;

import java.nio.file.Path;

/**
 * What a call to {@link Trainer#train()} did.
 *
 * @param startStep the global step it started from (0, or the resumed checkpoint's)
 * @param endStep the global step it reached
 * @param firstLoss loss of the first step of this call
 * @param lastLoss loss of the last step
 * @param lastCollapseStd the collapse monitor std·√d at the last logged step
 * @param lastRankY RankMe of the encoder outputs y at the last logged step ({@link EffectiveRank})
 * @param lastRankZ RankMe of the projector outputs z at the last logged step
 * @param rankBoundY the largest rank y's batch could have, min(batch, d)
 * @param checkpoint prefix of the final checkpoint
 * @param imagesPerSecond mean training throughput of this call (images, not views)
 */
public record TrainResult(
    long startStep,
    long endStep,
    double firstLoss,
    double lastLoss,
    double lastCollapseStd,
    double lastRankY,
    double lastRankZ,
    long rankBoundY,
    Path checkpoint,
    double imagesPerSecond) {

  /** The collapse monitors at the last logged step. */
  public CollapseMonitor.Reading lastReading() {
    return new CollapseMonitor.Reading(lastCollapseStd, lastRankY, rankBoundY);
  }

  /** Whether the monitors ended on a collapsed representation ({@link CollapseMonitor}). */
  public boolean collapsed() {
    return lastReading().collapsed();
  }
}
