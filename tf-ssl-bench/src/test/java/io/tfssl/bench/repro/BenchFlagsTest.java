package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.cli.TfSsl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The table, throughput, long-run, index and gpu-audit commands refuse bad values with exit code 2
 * and one line before anything runs; every one of their flags has a case here.
 */
class BenchFlagsTest {
  @TempDir Path tmp;

  private record Run(int code, String err) {}

  private Run run(String line) {
    CommandLine cli = TfSsl.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return new Run(cli.execute(line.replace("TMP", tmp.toString()).split("\\s+")), err.toString());
  }

  static final String[] CASES = {
    "bench table nope | unknown table 'nope'",
    "bench table predictor --seeds 0 | --seeds must be at least 1",
    "bench table predictor --scale huge | --scale must be quick, cpu or long",
    "bench table predictor --quick --scale long | --quick and --scale long contradict",
    "bench table predictor --knn-queries 1 | --knn-queries must be at least 2",
    "bench table predictor --replot --results TMP | --replot: no TMP/predictor.json",
    "bench table stop-gradient --resume --scale long --results TMP/cpu | --resume: TMP/cpu/stop-gradient.json was measured at scale cpu, not long",
    "bench table predictor --steps 0 | --steps must be positive",
    "bench table predictor --batch-size 1 | --batch-size must be at least 2",
    "bench table predictor --knn-bank 5 | --knn-bank must be at least 10",
    "bench table predictor --epochs 0 | --epochs must be positive",
    "bench table predictor --threads -1 | --threads cannot be negative",
    "bench table predictor --preset nope | unknown preset 'nope'",
    "bench table predictor --dataset imagenet22k | unknown dataset 'imagenet22k'",
    "bench table predictor --data-dir TMP/none --steps 1 | TMP/none",
    "bench table predictor --quick=maybe | 'maybe'",
    "bench table predictor --results TMP/a-file | --results",
    "bench table predictor --work TMP/a-file/w | --work",
    "bench all --quick=maybe | 'maybe'",
    "bench claims --tables TMP/none | --tables: no folder",
    "bench semi-supervised --model x | --model must be NAME=DIR",
    "bench semi-supervised --model a=TMP/none | --model a: no folder",
    "bench semi-supervised --model a=TMP --labels 5 | --labels must be percentages",
    "bench semi-supervised --model a=TMP --labels 0% | --labels must be in (0%, 100%]",
    "bench semi-supervised --model a=TMP --seeds 0 | --seeds",
    "bench semi-supervised --model a=TMP --epochs 0 | --epochs",
    "bench semi-supervised --model a=TMP --threads -1 | --threads",
    "bench semi-supervised --model a=TMP --lr 0 | --lr must be positive",
    "bench semi-supervised --model a=TMP --results TMP/a-file | --results",
    "bench claims --tables TMP --results TMP/a-file | --results",
    "bench all --results TMP/a-file | --results",
    "bench index --results TMP/none --readme TMP/none.md | TMP/none.md",
    "bench throughput --methods moco | --methods: unknown method 'moco'",
    "bench throughput --small-steps 0 | --small-steps and --resnet-steps must be positive",
    "bench throughput --resnet-steps 0 | --small-steps and --resnet-steps must be positive",
    "bench throughput --warmup -1 | --warmup not negative",
    "bench throughput --augment=maybe | 'maybe'",
    "bench throughput --results TMP/a-file | --results",
    "bench long-run --steps 0 | --steps, --every must be positive",
    "bench long-run --every 0 | --steps, --every must be positive",
    "bench long-run --batch-size 1 | --batch-size at least 2",
    "bench long-run --warmup-samples -1 | --warmup-samples and --threads not negative",
    "bench long-run --threads -1 | --warmup-samples and --threads not negative",
    "bench long-run --results TMP/a-file | --results",
    "bench long-run --work TMP/a-file/w | --work",
    "bench gpu-audit --methods moco | --methods: unknown method 'moco'",
    "bench gpu-audit --encoders resnet9 | --encoders: unknown encoder 'resnet9'",
    "bench gpu-audit --batch-size 0 | --batch-size",
    "bench gpu-audit --towers 0 | --towers",
    "bench gpu-audit --batch-size 9 --towers 2 | does not split into 2 towers",
    "bench gpu-audit --registry nope | --registry must be auto, live or snapshot",
    "bench gpu-audit --results TMP/a-file | --results",
    "bench gpu-audit --save-registry TMP/a-file/k.json.gz | --save-registry",
    "bench augment --iterations 0 | --iterations must be positive",
    "bench augment --warmup -1 | --warmup not negative"
  };

  static java.util.stream.Stream<String> cases() {
    return java.util.stream.Stream.of(CASES);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badValuesExitWith2(String c) throws Exception {
    String line = c.substring(0, c.indexOf('|'));
    String expected = c.substring(c.indexOf('|') + 1);
    Files.writeString(tmp.resolve("a-file"), "x");
    Files.createDirectories(tmp.resolve("cpu"));
    Files.writeString(
        tmp.resolve("cpu").resolve("stop-gradient.json"),
        "{\"scale\":{\"name\":\"cpu\"},\"runs\":[]}");
    Run r = run(line.trim());
    assertEquals(2, r.code(), line + "\n" + r.err());
    assertTrue(
        r.err().contains(expected.trim().replace("TMP", tmp.toString())),
        line + " said: " + r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void everyFlagOfTheNewCommandsHasACase() {
    CommandLine bench = TfSsl.commandLine().getSubcommands().get("bench");
    List<String> missing = new ArrayList<>();
    for (String name :
        Set.of(
            "table", "claims", "all", "index", "throughput", "long-run", "gpu-audit", "augment")) {
      for (OptionSpec o : bench.getSubcommands().get(name).getCommandSpec().options()) {
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        String flag = o.longestName();
        boolean covered =
            List.of(CASES).stream()
                .anyMatch(
                    c ->
                        c.startsWith("bench " + name + " ")
                            && (c.contains(flag + " ") || c.contains(flag + "=")));
        if (!covered) {
          missing.add(name + " " + flag);
        }
      }
    }
    assertTrue(missing.isEmpty(), "bench flags without a case: " + missing);
  }
}
