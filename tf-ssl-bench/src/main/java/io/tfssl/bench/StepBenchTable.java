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
 * Renders the {@code --json} lines of {@code tfssl bench step} as a Markdown table, so that the
 * results files are written from the measurements and never typed by hand: {@code java -cp ...
 * io.tfssl.bench.StepBenchTable results/step-bench.jsonl}.
 */
public final class StepBenchTable {
  private StepBenchTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: StepBenchTable FILE.jsonl");
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
    StringBuilder b = new StringBuilder();
    b.append(
        "| method | encoder | input | batch | augment | ms/step (median) | min | max "
            + "| images/s | GFLOP/s | step GFLOP/image | encoder fwd MFLOP/image | peak RSS MB "
            + "| steps (warm-up + timed) |\n");
    b.append("|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (JsonNode r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.3f | %.1f | %s | %d + %d |%n",
              r.path("method").asText(),
              r.path("encoder").asText(),
              r.path("input").asText(),
              r.path("batch_size").asInt(),
              r.path("augment").asBoolean() ? "yes" : "no",
              r.path("ms_per_step_median").asDouble(),
              r.path("ms_per_step_min").asDouble(),
              r.path("ms_per_step_max").asDouble(),
              r.path("images_per_sec").asDouble(),
              r.path("gflops_per_sec").asDouble(),
              r.path("step_flops_per_image").asDouble() / 1e9,
              r.path("encoder_mflops_per_image").asDouble(),
              r.path("peak_rss_mb").isNumber()
                  ? String.format(Locale.ROOT, "%.0f", r.path("peak_rss_mb").asDouble())
                  : "?",
              r.path("warmup").asInt(),
              r.path("steps").asInt()));
    }
    return b.toString();
  }
}
