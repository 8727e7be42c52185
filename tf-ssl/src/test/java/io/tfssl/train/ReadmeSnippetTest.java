package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.data.IdxSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippet, run as written (only the run folder moved to a temporary one), on the
 * real Fashion-MNIST files.
 */
class ReadmeSnippetTest {
  @TempDir Path tmp;

  @Test
  void readmeSnippetPretrainsSimSiamOnFashionMnist() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR),
        "needs Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
    Path runDir = tmp.resolve("runs/simsiam-java");

    // ---- README snippet ----
    PretrainConfig config =
        Presets.get("fmnist-small", "simsiam") // SimSiam, `small` encoder, Fashion-MNIST
            .toBuilder()
            .steps(20) // or .epochs(1)
            .batchSize(64)
            .seed(42)
            .build();
    TrainResult result;
    try (Trainer trainer = Trainer.create(config, runDir)) {
      result = trainer.train();
      System.out.printf(
          "loss %.3f -> %.3f, collapse std %.3f%n",
          result.firstLoss(), result.lastLoss(), result.lastCollapseStd());
    }
    // ---- end of snippet ----

    assertEquals(20, result.endStep());
    assertTrue(Double.isFinite(result.lastLoss()));
    assertTrue(result.lastLoss() < result.firstLoss(), "loss did not decrease: " + result);
    assertTrue(result.lastCollapseStd() > 0.1, "collapse monitor " + result.lastCollapseStd());
    List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
    assertEquals(2, lines.size(), "one metrics line every 10 steps");
    JsonNode last = new ObjectMapper().readTree(lines.get(1));
    assertEquals(20, last.get("step").asInt());
    for (String key : List.of("loss", "lr", "collapse_std", "images_per_sec", "epoch")) {
      assertTrue(last.has(key), "metrics.jsonl lacks " + key);
    }
    assertTrue(Files.isRegularFile(runDir.resolve("checkpoints/step-00000020/ckpt.index")));
    assertTrue(Files.isRegularFile(runDir.resolve("config.json")));
    try (var files = Files.list(runDir)) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")),
          "no TensorBoard event file");
    }
    // The saved config reads back as the same record.
    assertEquals(config, new RunFolder(runDir).readConfig());
  }
}
