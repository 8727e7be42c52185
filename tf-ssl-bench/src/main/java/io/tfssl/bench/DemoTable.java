package io.tfssl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders {@code ./tfssl demo --report} JSON files as a Markdown table, so the demo's numbers in
 * {@code results/demo.md} and the README come from the run that measured them: {@code java -cp ...
 * io.tfssl.bench.DemoTable demo-simsiam.json demo-byol.json}.
 */
public final class DemoTable {
  private DemoTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: DemoTable REPORT.json...");
      System.exit(2);
    }
    Path[] files = new Path[args.length];
    for (int i = 0; i < args.length; i++) {
      files[i] = Path.of(args[i]);
    }
    System.out.print(render(files));
  }

  /** One row per report: method, steps, linear and kNN top-1 of both encoders, time. */
  public static String render(Path... reports) throws IOException {
    ObjectMapper json = new ObjectMapper();
    StringBuilder b = new StringBuilder();
    b.append(
        "| method | pretraining | linear top-1, pretrained | linear top-1, random init "
            + "| kNN top-1, pretrained | kNN top-1, random init | pretraining img/s | total time |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Path p : reports) {
      JsonNode r = json.readTree(Files.readString(p));
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d steps | %.2f%% | %.2f%% | %.2f%% | %.2f%% | %.0f | %.1f min |%n",
              r.get("method").asText(),
              r.get("pretraining_steps").asLong(),
              100 * r.at("/linear/pretrained/top1").asDouble(),
              100 * r.at("/linear/random_init/top1").asDouble(),
              100 * r.at("/knn/pretrained/top1").asDouble(),
              100 * r.at("/knn/random_init/top1").asDouble(),
              r.get("pretraining_images_per_sec").asDouble(),
              r.get("seconds").asDouble() / 60));
    }
    return b.toString();
  }
}
