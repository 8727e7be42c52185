package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pretrain --config FILE} and {@code --print-config}. */
class ConfigFileTest {
  @TempDir Path tmp;

  private static int run(String... args) {
    CommandLine cli = TfSsl.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    assertEquals(0, code, String.join(" ", args) + ": " + err);
    return code;
  }

  private static List<Double> losses(Path run) throws Exception {
    List<Double> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode r = json.readTree(line);
      if (r.has("loss")) {
        out.add(r.get("loss").asDouble());
      }
    }
    return out;
  }

  @Test
  void aRunsConfigJsonRepeatsItsLossesExactly() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    run(
        "pretrain",
        "--method",
        "byol",
        "--batch-size",
        "8",
        "--steps",
        "3",
        "--log-every",
        "1",
        "--seed",
        "11",
        "--tau",
        "0.98",
        "--no-progress",
        "--out",
        a.toString());
    run(
        "pretrain",
        "--config",
        a.resolve("config.json").toString(),
        "--no-progress",
        "--out",
        b.toString());
    List<Double> la = losses(a);
    assertEquals(3, la.size());
    assertEquals(la, losses(b), "run B repeats run A from A's config.json");
    assertEquals(
        Files.readString(a.resolve("config.json")), Files.readString(b.resolve("config.json")));
  }

  @Test
  void aPartialYamlFileChangesOnlyItsKeysOfThePresetAndFlagsOverrideIt() throws Exception {
    Path yaml =
        Files.writeString(
            tmp.resolve("recipe.yaml"),
            "method: simclr\nseed: 3\nbatchSize: 64\nsimclr:\n  temperature: 0.3\n");
    PretrainCommand c = new PretrainCommand();
    new CommandLine(c).parseArgs("--config", yaml.toString(), "--seed", "4", "--out", "x");
    PretrainConfig base = Presets.get("fmnist-small", "simclr");
    PretrainConfig expected =
        base.toBuilder().seed(4).batchSize(64).simclr(base.simclr().withTemperature(0.3)).build();
    assertEquals(expected, c.config());
    assertNotEquals(base, expected);
  }

  @Test
  void printConfigPrintsTheResolvedConfigAndTrainsNothing() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    Path run = tmp.resolve("never");
    try {
      run(
          "pretrain",
          "--method",
          "mocov2",
          "--queue-size",
          "512",
          "--print-config",
          "--out",
          run.toString());
    } finally {
      System.setOut(saved);
    }
    // ViewPolicy's derived fullCrop is printed too (as in config.json); it is not a component.
    PretrainConfig printed =
        new ObjectMapper()
            .disable(
                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .readValue(out.toString(StandardCharsets.UTF_8), PretrainConfig.class);
    PretrainConfig base = Presets.get("fmnist-small", "mocov2");
    assertEquals(base.toBuilder().mocov2(base.mocov2().withQueueSize(512)).build(), printed);
    assertTrue(Files.notExists(run), "nothing written");
  }
}
