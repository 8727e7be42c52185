package io.tfssl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.cli.TfSsl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StepBenchCommandTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = TfSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void jsonLineHasPositiveFields() throws Exception {
    Run r =
        run(
            "bench",
            "step",
            "--method",
            "simsiam",
            "--encoder",
            "small",
            "--batch-size",
            "8",
            "--steps",
            "2",
            "--warmup",
            "1",
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "exactly one JSON line: " + r.out());
    JsonNode j = new ObjectMapper().readTree(lines.get(0));
    assertEquals("simsiam", j.path("method").asText());
    assertEquals("small", j.path("encoder").asText());
    assertEquals(8, j.path("batch_size").asInt());
    assertFalse(j.path("augment").asBoolean());
    assertEquals(2, j.path("steps").asInt());
    for (String field :
        List.of(
            "ms_per_step_median",
            "images_per_sec",
            "gflops_per_sec",
            "step_flops_per_image",
            "peak_rss_mb",
            "cores")) {
      assertTrue(j.path(field).isNumber(), field + " missing or not a number: " + j);
      assertTrue(j.path(field).asDouble() > 0, field + " should be positive: " + j);
    }
    assertTrue(j.path("ms_per_step_min").asDouble() <= j.path("ms_per_step_median").asDouble());
    assertTrue(j.path("ms_per_step_median").asDouble() <= j.path("ms_per_step_max").asDouble());
    assertFalse(j.path("tf_version").asText().isBlank());
    assertFalse(j.path("cpu_model").asText().isBlank());
    assertTrue(j.has("threads"));
  }

  @Test
  void badValuesExitWithTwoAndOneLine() {
    Run r = run("bench", "step", "--method", "simsiam", "--encoder", "small", "--batch-size", "0");
    assertEquals(2, r.exitCode());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("--batch-size"), r.err());

    Run m = run("bench", "step", "--method", "moco", "--encoder", "small", "--batch-size", "8");
    assertEquals(2, m.exitCode());
    assertTrue(m.err().contains("unknown method"), m.err());
  }
}
