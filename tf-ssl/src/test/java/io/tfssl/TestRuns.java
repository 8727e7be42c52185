package io.tfssl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading a run folder's metrics.jsonl in tests. */
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
}
