package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfssl.TestRuns;
import io.tfssl.data.IdxSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real training process at random moments, then {@code resume}: the run continues from
 * the last complete checkpoint and its losses equal, step for step and bit for bit, those of a run
 * that was never interrupted. Every kill is a SIGKILL ({@code destroyForcibly} on Linux), so
 * nothing in the JVM gets to clean up: a checkpoint being written, a metrics line half-flushed and
 * the {@code latest} pointer are all left as they are.
 */
class KillAndResumeTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  @Test
  void killedThreeTimesAtRandomMomentsTheRunStillRepeatsTheUninterruptedOne() throws Exception {
    Path straight = tmp.resolve("straight");
    try (Trainer t = Trainer.create(TrainChild.config(), straight)) {
      t.progressBar(false).train();
    }
    List<Double> expected = TestRuns.losses(straight);
    assertEquals(TrainChild.STEPS, expected.size());

    Path run = tmp.resolve("killed");
    Random random = new Random(20261128L);
    List<String> kills = new ArrayList<>();
    long loggedBefore = 0;
    for (int kill = 0; kill < 3; kill++) {
      // Killed before its first checkpoint, a run has nothing to resume: it starts anew.
      Process p = start(run, restoredStep(run) == 0 ? "new" : "resume", "kill" + kill);
      // Kill after a random number of further logged steps, then a random few milliseconds:
      // at a step, in the middle of a checkpoint or during start-up of the next.
      long target = loggedBefore + 3 + random.nextInt(12);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (loggedSteps(run) < target && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(
          p.isAlive(),
          "child finished or died before kill "
              + kill
              + ": "
              + Files.readString(tmp.resolve("kill" + kill + ".log")));
      Thread.sleep(random.nextInt(120));
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, p.exitValue(), "killed by SIGKILL");
      long logged = loggedSteps(run);
      boolean midCheckpoint;
      try (var files = Files.list(run.resolve("checkpoints"))) {
        midCheckpoint = files.anyMatch(f -> f.getFileName().toString().startsWith(".tmp-"));
      } catch (java.nio.file.NoSuchFileException none) {
        midCheckpoint = false;
      }
      kills.add(
          "kill "
              + kill
              + " after logged step "
              + logged
              + ", latest checkpoint step "
              + restoredStep(run)
              + (midCheckpoint ? ", a checkpoint half-written" : ""));
      // Every step logged so far, including those after the last checkpoint, matches.
      assertPrefixMatches(expected, run);
      loggedBefore = restoredStep(run);
    }
    Process last = start(run, "resume", "final");
    assertTrue(last.waitFor(180, TimeUnit.SECONDS), "the resumed run finishes");
    assertEquals(0, last.exitValue(), Files.readString(tmp.resolve("final.log")));
    // One record per step after resume dropped the re-run ones, and equal to the straight run.
    assertEquals(expected, TestRuns.losses(run), String.join("; ", kills));
    System.out.println("kill -9 moments: " + kills);
  }

  /** Starts {@link TrainChild} in a new JVM with this test's class path. */
  private Process start(Path run, String mode, String logName) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            TrainChild.class.getName(),
            run.toString(),
            mode);
    File log = tmp.resolve(logName + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    return pb.start();
  }

  /** The highest step with a complete record in metrics.jsonl (0 when there is none). */
  private static long loggedSteps(Path run) {
    Path metrics = run.resolve("metrics.jsonl");
    if (!Files.isRegularFile(metrics)) {
      return 0;
    }
    try {
      long last = 0;
      for (String line : Files.readAllLines(metrics)) {
        if (line.endsWith("}") && line.contains("\"loss\"")) {
          last =
              Math.max(
                  last,
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(line)
                      .get("step")
                      .asLong());
        }
      }
      return last;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The step of the checkpoint a resume would restore (0 when none is complete yet). */
  private static long restoredStep(Path run) {
    return new Checkpoints(run.resolve("checkpoints"), 2)
        .latest()
        .map(p -> Long.parseLong(p.getParent().getFileName().toString().substring(5)))
        .orElse(0L);
  }

  /** Each complete loss record of the killed run equals the straight run's loss at its step. */
  private static void assertPrefixMatches(List<Double> expected, Path run) throws IOException {
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      if (!line.endsWith("}")) {
        continue;
      }
      JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      if (r.has("loss")) {
        int step = r.get("step").asInt();
        assertEquals(expected.get(step - 1), r.get("loss").asDouble(), 0.0, "loss at step " + step);
      }
    }
  }
}
