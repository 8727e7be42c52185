package io.tfssl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code tfssl bench step --json} lines of runs that differ in precision (and device) as a
 * Markdown table, each row's speed next to the fp32 row of the same configuration. Used by {@code
 * run-precision-bench.sh} and {@code gpu-check.sh}; a {@code gpu_memory_mib} field (added by {@code
 * gpu-check.sh} from {@code nvidia-smi}) becomes a column when present.
 */
public final class PrecisionBenchTable {
  private PrecisionBenchTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: PrecisionBenchTable FILE.jsonl");
      System.exit(2);
    }
    System.out.print(render(Files.readAllLines(Path.of(args[0]))));
  }

  /** The table for these JSON lines (blank lines are skipped). */
  public static String render(List<String> jsonLines) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : jsonLines) {
      if (!line.isBlank()) {
        rows.add(mapper.readTree(line));
      }
    }
    boolean memory = rows.stream().anyMatch(r -> r.has("gpu_memory_mib"));
    StringBuilder b = new StringBuilder();
    b.append(
        "| method | encoder | input | batch | device | precision | ms/step (median) "
            + "| images/s | vs fp32 | 16-bit conv/matmul ops | convolutions ran on |"
            + (memory ? " GPU memory MiB |" : "")
            + " final loss | steps (warm-up + timed) |\n");
    b.append(
        "|---|---|---|---:|---|---|---:|---:|---:|---:|---|"
            + (memory ? "---:|" : "")
            + "---:|---|\n");
    for (JsonNode r : rows) {
      JsonNode base = fp32Row(rows, r);
      String speedup =
          base == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  "%.2fx",
                  r.path("images_per_sec").asDouble() / base.path("images_per_sec").asDouble());
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %s | %.1f | %.1f | %s "
                  + "| %d of %d | %s |%s %s | %d + %d |%n",
              r.path("method").asText(),
              r.path("encoder").asText(),
              r.path("input").asText(),
              r.path("batch_size").asInt(),
              r.path("device").asText(),
              r.path("precision").asText(),
              r.path("ms_per_step_median").asDouble(),
              r.path("images_per_sec").asDouble(),
              speedup,
              r.path("low_precision_matrix_ops").asInt(),
              r.path("matrix_ops").asInt(),
              devices(r.path("conv_ops_by_device")),
              memory
                  ? " " + (r.has("gpu_memory_mib") ? r.path("gpu_memory_mib").asText() : "") + " |"
                  : "",
              r.path("final_loss").isNumber()
                  ? String.format(Locale.ROOT, "%.4f", r.path("final_loss").asDouble())
                  : "n/a",
              r.path("warmup").asInt(),
              r.path("steps").asInt()));
    }
    return b.toString();
  }

  /** The fp32 run of the same method, encoder, input, batch and device, if any. */
  private static JsonNode fp32Row(List<JsonNode> rows, JsonNode r) {
    for (JsonNode o : rows) {
      if (o.path("precision").asText().equals("fp32")
          && o.path("method").asText().equals(r.path("method").asText())
          && o.path("encoder").asText().equals(r.path("encoder").asText())
          && o.path("input").asText().equals(r.path("input").asText())
          && o.path("batch_size").asInt() == r.path("batch_size").asInt()
          && o.path("device").asText().equals(r.path("device").asText())) {
        return o;
      }
    }
    return null;
  }

  private static String devices(JsonNode byDevice) {
    List<String> parts = new ArrayList<>();
    byDevice
        .fields()
        .forEachRemaining(e -> parts.add(e.getKey() + " (" + e.getValue().asInt() + ")"));
    return parts.isEmpty() ? "n/a" : String.join(", ", parts);
  }
}
