package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.cli.TfSsl;
import io.tfssl.export.Exporter;
import io.tfssl.train.Presets;
import io.tfssl.train.RunInput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench semi-supervised} on an export of the untrained small encoder (Fashion-MNIST, 1% of
 * the labels, 1 epoch, 1 label seed): both rows fine-tune the same weights on the same subset, and
 * the claims refuse to judge a table whose exports were not pretrained at the long scale.
 */
class SemiSupervisedCommandTest {
  @TempDir Path tmp;

  @Test
  void pairsEachLabelSeedAndLeavesShortExportsUnjudged() throws Exception {
    Path model =
        Exporter.exportRandomInit(
                Presets.get("fmnist-small", "simsiam").toBuilder().batchSize(32).build(),
                new RunInput("fashion-mnist", 28, 28, 1, 10, 28),
                tmp.resolve("models"),
                "s",
                OptionalInt.of(1))
            .dir();
    Path out = tmp.resolve("long");
    StringWriter err = new StringWriter();
    var cli = TfSsl.commandLine();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args("simsiam=" + model, out, 1));
    assertEquals(0, code, err.toString());
    JsonNode t = new ObjectMapper().readTree(out.resolve("semi-supervised.json").toFile());
    JsonNode runs = t.get("runs");
    assertEquals(2, runs.size(), "1 seed x (pretrained, untrained)");
    assertEquals("simsiam, 1% labels", runs.get(0).get("row").asText());
    assertEquals("simsiam untrained, 1% labels", runs.get(1).get("row").asText());
    for (JsonNode r : runs) {
      // 1% of Fashion-MNIST's 60,000, class-balanced: 60 per class.
      assertEquals(600, r.get("labeledImages").asInt(), r.toString());
      double top1 = r.get("finetuneTop1").asDouble();
      assertTrue(top1 > 0.1 && top1 <= 1, "better than chance after a fine-tuning epoch: " + top1);
    }
    // The export is the untrained encoder of the same config and seed as the random-init
    // baseline: same weights, same labeled subset, same order, so the same accuracy.
    assertEquals(
        runs.get(0).get("finetuneTop1").asDouble(), runs.get(1).get("finetuneTop1").asDouble());
    for (JsonNode r : runs) {
      // Same weights at the start: the export's kernels are a fresh initialization's.
      assertEquals(1.0, r.get("kernelScale").asDouble(), 1e-9, r.toString());
      assertEquals(0.1, r.get("lr").asDouble(), "eval finetune's lr, the protocol's");
    }
    assertEquals("shorter", t.get("scale").get("name").asText(), "an untrained export: 0 images");
    assertTrue(
        Files.readString(out.resolve("semi-supervised.md")).contains("| simsiam, 1% labels |"));

    // --resume with a second model keeps the first model's runs as they are and adds its own.
    String[] again = args("byol=" + model, out, 1, "--resume");
    assertEquals(0, cli.execute(again), err.toString());
    JsonNode both = new ObjectMapper().readTree(out.resolve("semi-supervised.json").toFile());
    assertEquals(4, both.get("runs").size(), both.toString());
    assertEquals(runs.get(0), both.get("runs").get(0), "kept as measured");
    assertEquals(runs.get(1), both.get("runs").get(1), "kept as measured");
    assertEquals("byol, 1% labels", both.get("runs").get(2).get("row").asText());
    assertEquals(t.get("command").asText(), both.get("earlier_commands").get(0).asText());
    assertTrue(
        Files.readString(out.resolve("semi-supervised.md"))
            .contains("- runs kept (`--resume`) from: `" + t.get("command").asText() + "`"));
    // Nothing left to fine-tune: the same file again. Another fine-tuning length: refused.
    assertEquals(0, cli.execute(again), err.toString());
    assertEquals(
        both.get("runs"),
        new ObjectMapper().readTree(out.resolve("semi-supervised.json").toFile()).get("runs"));
    assertEquals(2, cli.execute(args("byol=" + model, out, 2, "--resume")));
    assertTrue(
        err.toString().contains("was fine-tuned for 1 epochs, this run asks 2"), err.toString());

    // Another lr beside the protocol's: its rows carry the lr in their name, the rest are kept.
    String[] withLr = args("byol=" + model, out, 1, "--lr", "0.1,0.05", "--resume");
    assertEquals(0, cli.execute(withLr), err.toString());
    JsonNode lrRuns =
        new ObjectMapper().readTree(out.resolve("semi-supervised.json").toFile()).get("runs");
    assertEquals(6, lrRuns.size(), lrRuns.toString());
    for (int i = 0; i < 4; i++) {
      assertEquals(both.get("runs").get(i), lrRuns.get(i), "kept as measured");
    }
    assertEquals("byol, 1% labels (lr 0.05)", lrRuns.get(4).get("row").asText());
    assertEquals("byol untrained, 1% labels (lr 0.05)", lrRuns.get(5).get("row").asText());
    assertEquals(0.05, lrRuns.get(4).get("lr").asDouble());
    assertTrue(
        Files.readString(out.resolve("semi-supervised.md"))
            .contains("| byol, 1% labels (lr 0.05) |"));

    assertEquals(
        0,
        TfSsl.commandLine()
            .execute("bench", "claims", "--tables", out.toString(), "--results", tmp.toString()));
    JsonNode claims = new ObjectMapper().readTree(tmp.resolve("claims.json").toFile());
    for (JsonNode c : claims.get("claims")) {
      if (c.get("id").asText().equals("semi-supervised-simsiam-1pct")) {
        assertTrue(
            c.get("verdict").asText().contains("measured at scale shorter, not long"),
            c.toString());
        return;
      }
    }
    throw new AssertionError("no semi-supervised claim in " + claims);
  }

  /** {@code bench semi-supervised} on 1% of the labels with one label seed, then {@code extra}. */
  private static String[] args(String model, Path out, int epochs, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "bench",
                "semi-supervised",
                "--model",
                model,
                "--labels",
                "1%",
                "--seeds",
                "1",
                "--epochs",
                Integer.toString(epochs),
                "--results",
                out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }
}
