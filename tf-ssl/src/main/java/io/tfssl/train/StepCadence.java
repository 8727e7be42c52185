package io.tfssl.train;

/**
 * When a run logs, runs the kNN monitor and checkpoints: every {@code logEvery}, every epoch and
 * every {@code checkpointEvery} steps, and always at the run's last step ({@code end}), so a
 * finished run ends with a log line, a monitor value and a checkpoint of its final weights. Steps
 * are counted as done (1 after the first step), as the global step saved with a checkpoint is.
 */
record StepCadence(long logEvery, long perEpoch, long checkpointEvery, long end) {

  boolean logs(long stepsDone) {
    return stepsDone % logEvery == 0 || stepsDone == end;
  }

  boolean endsEpoch(long stepsDone) {
    return stepsDone % perEpoch == 0 || stepsDone == end;
  }

  boolean checkpoints(long stepsDone) {
    return stepsDone % checkpointEvery == 0 || stepsDone == end;
  }
}
