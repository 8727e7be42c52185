package io.tfssl.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a run: a terminal progress bar (step, epoch, loss, lr, τ, images/s and ETA), or, when
 * not attached to a terminal (CI, a log file), one plain line per logged step.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintStream log;
  private final long total;
  private final long start;
  private final long startNanos = System.nanoTime();
  private String lastMessage = "";

  Progress(boolean useBar, PrintStream log, String task, long start, long total) {
    this.log = log;
    this.total = total;
    this.start = start;
    this.bar =
        useBar
            ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .startsFrom(start, Duration.ZERO)
                .setUnit(" steps", 1)
                .build()
            : null;
  }

  void stepped(long step) {
    if (bar != null) {
      bar.stepTo(step);
    }
  }

  void logged(long step, Map<String, Object> record) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "epoch %.2f loss %.4f lr %.4g",
            (Double) record.get("epoch"), (Double) record.get("loss"), (Double) record.get("lr")));
    if (record.containsKey("tau")) {
      sb.append(String.format(" tau %.5f", (Double) record.get("tau")));
    }
    sb.append(String.format(" std %.3f", (Double) record.get("collapse_std")));
    if (record.containsKey("rank_y")) {
      sb.append(
          String.format(
              " rank y %.0f/%d z %.0f/%d",
              (Double) record.get("rank_y"),
              (Long) record.get("dim_y"),
              (Double) record.get("rank_z"),
              (Long) record.get("dim_z")));
    }
    if (record.containsKey("probe_top1")) {
      sb.append(String.format(" probe %.1f%%", 100 * (Double) record.get("probe_top1")));
    }
    sb.append(String.format(" %.0f img/s", (Double) record.get("images_per_sec")));
    lastMessage = sb.toString();
    if (bar != null) {
      bar.setExtraMessage(lastMessage);
    } else {
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double eta = step > start ? elapsed / (step - start) * (total - step) : 0;
      log.printf(
          "step %d/%d %s ETA %s%n", step, total, lastMessage, formatDuration(Math.round(eta)));
    }
  }

  /** A line outside the step log (the kNN monitor's result), above the bar when there is one. */
  void note(String line) {
    if (bar != null) {
      // ProgressBar redraws on its own line; a println between redraws keeps the note visible.
      log.println();
    }
    log.println(line);
  }

  static String formatDuration(long seconds) {
    return String.format("%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
