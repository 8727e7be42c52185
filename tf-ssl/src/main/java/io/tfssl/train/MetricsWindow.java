package io.tfssl.train;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The steps between two log lines: it accumulates each step's {@link StepFetches} (throughput, the
 * online probe's accuracy) and turns a logged step into its metrics record, with the collapse
 * verdict of its monitors. It also keeps what the run's {@link TrainResult} reports: the first and
 * last loss, and the last monitors read.
 */
final class MetricsWindow {
  private final long perEpoch;
  private final double globalBatch;
  private final long dimY;
  private final long dimZ;
  private final long rankBoundY;
  private final PrintStream log;
  private long windowStart;
  private long windowSteps;
  private double windowProbeCorrect;
  private boolean warnedCollapse;
  private double firstLoss = Double.NaN;
  private double lastLoss = Double.NaN;
  private double lastCollapse = Double.NaN;
  private double lastRankY = Double.NaN;
  private double lastRankZ = Double.NaN;

  /**
   * @param perEpoch steps per epoch
   * @param globalBatch images per step over all replicas
   * @param dimY d of the encoder outputs, {@code dimZ} of the projections
   * @param rankBoundY the largest effective rank a batch of encoder outputs can have
   * @param log where the collapse warning goes (once per window object)
   * @param startNanos {@link System#nanoTime()} when the first window started
   */
  MetricsWindow(
      long perEpoch,
      double globalBatch,
      long dimY,
      long dimZ,
      long rankBoundY,
      PrintStream log,
      long startNanos) {
    this.perEpoch = perEpoch;
    this.globalBatch = globalBatch;
    this.dimY = dimY;
    this.dimZ = dimZ;
    this.rankBoundY = rankBoundY;
    this.log = log;
    this.windowStart = startNanos;
  }

  /** Adds one step's fetches to the window. */
  void add(StepFetches step) {
    windowProbeCorrect += step.probeAccuracy().orElse(0);
    if (Double.isNaN(firstLoss)) {
      firstLoss = step.loss();
    }
    lastLoss = step.loss();
    windowSteps++;
  }

  /**
   * The metrics record of logged step {@code stepsDone}, whose fetches were the last {@link #add
   * added}, and a new window from {@code nowNanos}.
   */
  Map<String, Object> close(long stepsDone, StepFetches step, long nowNanos) {
    StepFetches.Monitors m =
        step.monitors()
            .orElseThrow(() -> new IllegalStateException("a logged step reads the monitors"));
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("step", stepsDone);
    record.put("epoch", (double) stepsDone / perEpoch);
    record.put("loss", step.loss());
    record.put("lr", m.learningRate());
    lastCollapse = m.collapseStd();
    record.put("collapse_std", lastCollapse);
    lastRankY = m.rankY();
    lastRankZ = m.rankZ();
    record.put("rank_y", lastRankY);
    record.put("rank_z", lastRankZ);
    record.put("dim_y", dimY);
    record.put("dim_z", dimZ);
    CollapseMonitor.Reading reading =
        new CollapseMonitor.Reading(lastCollapse, lastRankY, rankBoundY);
    if (reading.collapsed()) {
      record.put("collapsed", true);
      if (!warnedCollapse) {
        warnedCollapse = true;
        log.printf(
            "warning: step %d: %s: the representation looks collapsed%n", stepsDone, reading.why());
      }
    }
    m.tau().ifPresent(t -> record.put("tau", t));
    double imagesPerSecond = windowSteps * globalBatch / ((nowNanos - windowStart) / 1e9);
    windowStart = nowNanos;
    record.put("images_per_sec", imagesPerSecond);
    if (step.probeAccuracy().isPresent()) {
      // Mean over the window's batches, each scored before its own update.
      record.put("probe_top1", windowProbeCorrect / windowSteps);
      windowProbeCorrect = 0;
    }
    record.put("time", Instant.now().toString());
    windowSteps = 0;
    return record;
  }

  double firstLoss() {
    return firstLoss;
  }

  double lastLoss() {
    return lastLoss;
  }

  /** std·√d at the last logged step (NaN before one). */
  double lastCollapse() {
    return lastCollapse;
  }

  double lastRankY() {
    return lastRankY;
  }

  double lastRankZ() {
    return lastRankZ;
  }
}
