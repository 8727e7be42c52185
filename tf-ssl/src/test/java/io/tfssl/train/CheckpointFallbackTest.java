package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged latest checkpoint is detected when it is restored (TF checks the CRC32C of every
 * tensor) and the run resumes from the one before it, with a warning, and still repeats the
 * uninterrupted run exactly.
 */
class CheckpointFallbackTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  private static PretrainConfig config() {
    return TinyConfigs.pretrain("simsiam", 6).toBuilder().checkpointEvery(3).build();
  }

  private static Path dataFile(Path run, String step) throws Exception {
    try (Stream<Path> s = Files.list(run.resolve("checkpoints").resolve(step))) {
      return s.filter(p -> p.getFileName().toString().startsWith("ckpt.data"))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Resumes {@code run} capturing what the trainer warns about. */
  private static String resumeAndFinish(Path run, long expectedStart) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Trainer t = Trainer.resume(run)) {
      assertEquals(expectedStart, t.globalStep());
      t.progressBar(false).train();
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aCorruptLatestCheckpointFallsBackToThePreviousOne() throws Exception {
    Path straight = tmp.resolve("straight");
    try (Trainer t = Trainer.create(config(), straight)) {
      t.progressBar(false).train();
    }
    Path run = tmp.resolve("damaged");
    try (Trainer t = Trainer.create(config(), run)) {
      t.progressBar(false).train();
    }
    // Flip bytes in the middle of step 6's tensor data.
    Path data = dataFile(run, "step-00000006");
    byte[] bytes = Files.readAllBytes(data);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(data, bytes);
    // The run is complete; resuming with a longer target shows where it restarts from.
    String warnings = resumeAndFinish(run, 3);
    assertTrue(warnings.contains("step-00000006 does not restore"), warnings);
    // Resume drops the records of steps 4-6 (logged after the restored checkpoint) and logs
    // them again: one record per step, equal to the uninterrupted run's.
    List<Double> a = TestRuns.losses(straight);
    List<Double> b = TestRuns.losses(run);
    assertEquals(6, a.size());
    assertEquals(a, b);
  }

  @Test
  void aMissingLatestCheckpointFallsBackToo() throws Exception {
    Path run = tmp.resolve("missing");
    try (Trainer t = Trainer.create(config(), run)) {
      t.progressBar(false).train();
    }
    Checkpoints.deleteRecursively(run.resolve("checkpoints/step-00000006"));
    String warnings = resumeAndFinish(run, 3);
    assertTrue(warnings.contains("missing its .index file"), warnings);
  }

  @Test
  void noRestorableCheckpointIsAClearError() throws Exception {
    Path run = tmp.resolve("all-bad");
    try (Trainer t = Trainer.create(config(), run)) {
      t.progressBar(false).train();
    }
    for (String step : List.of("step-00000003", "step-00000006")) {
      Files.write(dataFile(run, step), new byte[] {1, 2, 3});
    }
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> resumeAndFinish(run, 0));
    assertTrue(e.getMessage().contains("restores"), e.getMessage());
  }
}
