package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.cli.TfSsl;
import io.tfssl.data.IdxSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine;

/**
 * An absurd learning rate drives the weights to Inf and the loss to NaN: the graph's check stops
 * the run before that step's update, with a message naming the step and the last good checkpoint,
 * and every checkpoint on disk holds only finite values.
 */
class NonFiniteLossTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  /** SGD at lr 1e8 with weight decay: each step multiplies the weights by about 1e4. */
  private static PretrainConfig divergent() {
    return TinyConfigs.pretrain("simsiam", 40).toBuilder()
        .baseLr(1e8)
        .scaleLrByBatch(false)
        .checkpointEvery(2)
        .keepCheckpoints(50)
        .build();
  }

  @Test
  void aNonFiniteLossStopsTheRunAndKeepsOnlyFiniteCheckpoints() throws Exception {
    Path run = tmp.resolve("nan");
    NonFiniteLossException e;
    try (Trainer t = Trainer.create(divergent(), run)) {
      e = assertThrows(NonFiniteLossException.class, () -> t.progressBar(false).train());
      // The session's weights are those before the failing step: the check gated the update.
      assertAllFinite(t.session(), t.graph(), "the live session after the failure");
    }
    assertTrue(e.step() > 1 && e.step() < 40, "diverged at step " + e.step());
    assertNotNull(e.lastCheckpoint(), "a checkpoint was written before the divergence");
    assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
    assertTrue(e.getMessage().contains(e.lastCheckpoint().getParent().toString()), e.getMessage());
    assertEquals(
        e.lastCheckpoint(), new Checkpoints(run.resolve("checkpoints"), 50).latest().orElseThrow());
    long lastStep =
        Long.parseLong(
            e.lastCheckpoint().getParent().getFileName().toString().substring("step-".length()));
    assertTrue(lastStep < e.step(), "checkpoint " + lastStep + " precedes step " + e.step());
    // Every checkpoint restores to finite weights.
    List<Path> steps;
    try (var s = Files.list(run.resolve("checkpoints"))) {
      steps = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
    }
    assertTrue(steps.size() >= 1);
    for (Path step : steps) {
      try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
        TrainingGraph graph =
            new TrainingGraph(
                g, StepSpec.builder().config(divergent(), 40, 3750).imageShape(28, 28, 1).build());
        try (Session s = new Session(g)) {
          s.restore(step.resolve("ckpt").toString());
          assertAllFinite(s, graph, step.toString());
        }
      }
    }
  }

  @Test
  void theCliExitsNonZeroWithTheStepAndCheckpoint() {
    CommandLine cli = TfSsl.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code =
        cli.execute(
            "pretrain",
            "--out",
            tmp.resolve("cli").toString(),
            "--steps",
            "40",
            "--batch-size",
            "16",
            "--projector-dims",
            "64,64",
            "--predictor-dims",
            "16,64",
            "--lr",
            "1e8",
            "--no-lr-scaling",
            "--checkpoint-every",
            "2",
            "--threads",
            "2",
            "--no-progress");
    assertNotEquals(0, code, err.toString());
    assertTrue(err.toString().contains("is NaN or Inf"), err.toString());
    assertTrue(err.toString().contains("last good checkpoint"), err.toString());
    assertTrue(!err.toString().contains("\tat "), "stack trace printed: " + err);
  }

  /** Fetches every VariableV2 of the graph and checks each value. */
  private static void assertAllFinite(Session s, TrainingGraph graph, String where) {
    List<String> names = new ArrayList<>();
    Iterator<GraphOperation> ops = graph.graph().operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      if (op.type().equals("VariableV2")) {
        names.add(op.name());
      }
    }
    assertTrue(names.size() > 10, "variables found: " + names);
    for (String name : names) {
      try (Result r = s.runner().fetch(name).run()) {
        if (!(r.get(0) instanceof TFloat32 v)) {
          continue;
        }
        v.scalars()
            .forEach(
                x ->
                    assertTrue(
                        Float.isFinite(x.getFloat()),
                        where + ": " + name + " holds " + x.getFloat()));
      }
    }
  }
}
