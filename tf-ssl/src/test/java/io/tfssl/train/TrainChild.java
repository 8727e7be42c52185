package io.tfssl.train;

import io.tfssl.TinyConfigs;
import java.nio.file.Path;

/**
 * A training process for {@link KillAndResumeTest}: {@code TrainChild RUN_DIR new|resume}. It
 * trains {@link #config()} to the end; the test kills it with SIGKILL at random moments.
 */
public final class TrainChild {
  private TrainChild() {}

  static final long STEPS = 45;

  /** Tiny SimSiam, a checkpoint every 4 steps and 2 kept (so kills also land in the pruning). */
  static PretrainConfig config() {
    return TinyConfigs.pretrain("simsiam", STEPS).toBuilder()
        .checkpointEvery(4)
        .keepCheckpoints(2)
        .build();
  }

  public static void main(String[] args) {
    Path run = Path.of(args[0]);
    try (Trainer t = args[1].equals("new") ? Trainer.create(config(), run) : Trainer.resume(run)) {
      t.progressBar(false).train();
    }
  }
}
