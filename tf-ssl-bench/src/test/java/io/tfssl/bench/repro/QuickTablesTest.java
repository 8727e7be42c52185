package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.cli.TfSsl;
import io.tfssl.data.IdxSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./tfssl bench all --quick}, as CI runs it: every table at smoke scale writes its Markdown,
 * JSON and PNG, with one run per row (and seed) that trained the row's steps.
 */
class QuickTablesTest {
  @TempDir Path tmp;

  @Test
  void everyTableRunsAtSmokeScaleAndWritesItsFiles() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    CommandLine cli = TfSsl.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    Path results = tmp.resolve("results");
    int code =
        cli.execute(
            "bench",
            "table",
            "all",
            "--quick",
            "--results",
            results.toString(),
            "--work",
            tmp.resolve("work").toString());
    assertEquals(0, code, err.toString());
    ObjectMapper json = new ObjectMapper();
    for (ReproTable t : ReproTables.all()) {
      for (String ext : new String[] {".md", ".json", ".png"}) {
        assertTrue(Files.size(results.resolve(t.name() + ext)) > 0, t.name() + ext);
      }
      JsonNode raw = json.readTree(results.resolve(t.name() + ".json").toFile());
      int rows = t.variants().apply(Scale.quick()).size();
      assertEquals(rows * t.seeds(Scale.quick()), raw.get("runs").size(), t.name());
      for (JsonNode run : raw.get("runs")) {
        boolean untrained = run.get("steps").asLong() == 0;
        assertTrue(untrained || run.get("steps").asLong() >= 1, t.name() + ": " + run);
        assertTrue(run.get("knnTop1").asDouble() >= 0, t.name() + " kNN: " + run);
      }
      String md = Files.readString(results.resolve(t.name() + ".md"));
      assertTrue(md.contains("command: `./tfssl bench table all --quick"), md);
      assertTrue(md.contains("| row | paper (ImageNet) |"), md);
    }
    // The methods table evaluates linearly too.
    JsonNode methods = json.readTree(results.resolve("methods.json").toFile());
    assertTrue(methods.get("runs").get(0).get("linearTop1").asDouble() > 0, methods.toString());
  }
}
