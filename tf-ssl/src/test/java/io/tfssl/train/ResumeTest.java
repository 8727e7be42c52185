package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run stopped after a checkpoint and resumed produces the same losses, step for step, as an
 * uninterrupted run: weights, optimizer slots, BYOL's target, MoCo's key encoder and queue, SwAV's
 * prototypes, the global step (hence lr, τ and the augmentation seeds) and the data order all come
 * back.
 */
class ResumeTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"simsiam", "byol", "simclr", "mocov2", "swav"})
  void resumedRunRepeatsTheUninterruptedOne(String method) throws Exception {
    PretrainConfig config = TinyConfigs.pretrain(method, 6).toBuilder().checkpointEvery(3).build();
    Path straight = tmp.resolve("straight");
    try (Trainer t = Trainer.create(config, straight)) {
      t.progressBar(false).train();
    }
    Path interrupted = tmp.resolve("interrupted");
    try (Trainer t = Trainer.create(config, interrupted)) {
      t.progressBar(false).trainUntil(3);
    }
    try (Trainer t = Trainer.resume(interrupted)) {
      assertEquals(3, t.globalStep());
      TrainResult r = t.progressBar(false).train();
      assertEquals(3, r.startStep());
      assertEquals(6, r.endStep());
    }
    assertEquals(TestRuns.losses(straight), TestRuns.losses(interrupted));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simsiam"})
  void aFinishedRunIsNotOverwritten(String method) {
    PretrainConfig config = TinyConfigs.pretrain(method, 2);
    Path run = tmp.resolve("done");
    try (Trainer t = Trainer.create(config, run)) {
      t.progressBar(false).train();
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Trainer.create(config, run));
    assertTrue(e.getMessage().contains("resume"), e.getMessage());
  }
}
