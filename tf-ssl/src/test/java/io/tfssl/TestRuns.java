package io.tfssl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Run folders in tests: reading metrics.jsonl, and a tiny exported run. */
public final class TestRuns {
  private TestRuns() {}

  /** Every record of {@code run/metrics.jsonl}, in order. */
  public static List<JsonNode> records(Path run) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      out.add(json.readTree(line));
    }
    return out;
  }

  /** The logged losses, in order (monitor records without a loss are skipped). */
  public static List<Double> losses(Path run) throws IOException {
    List<Double> out = new ArrayList<>();
    for (JsonNode r : records(run)) {
      if (r.has("loss")) {
        out.add(r.get("loss").asDouble());
      }
    }
    return out;
  }

  /**
   * Pretrains TinyConfigs' SimSiam for 2 steps in {@code dir/run} and exports it to {@code
   * dir/models/m/1}: a real export for tests of what reads SavedModels.
   */
  public static io.tfssl.export.ExportedModel tinyExport(Path dir) {
    try (io.tfssl.train.Trainer t =
        io.tfssl.train.Trainer.create(TinyConfigs.pretrain("simsiam", 2), dir.resolve("run"))) {
      t.progressBar(false).train();
    }
    return io.tfssl.export.Exporter.exportRun(
        dir.resolve("run"), dir.resolve("models"), "m", java.util.OptionalInt.empty());
  }
}
