package io.tfssl.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long loop over a known count, on stderr: a progress bar on a terminal, else (a log
 * file, CI) one line per tenth, so logs stay readable.
 */
final class CountProgress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintStream log;
  private final String task;
  private final long total;
  private long nextLine;

  CountProgress(String task, long total, String unit) {
    this.task = task;
    this.total = total;
    this.log = System.err;
    this.bar =
        System.console() != null
            ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .setUnit(" " + unit, 1)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .build()
            : null;
    this.nextLine = Math.max(1, total / 10);
  }

  void stepTo(long done) {
    if (bar != null) {
      bar.stepTo(done);
    } else if (done >= nextLine && done < total) {
      log.printf("%s %d/%d%n", task, done, total);
      nextLine += Math.max(1, total / 10);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
