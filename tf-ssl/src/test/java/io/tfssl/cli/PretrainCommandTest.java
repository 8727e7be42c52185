package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiamConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad command lines give one clear line and exit code 2, never a stack trace (every flag with a bad
 * value: {@link FlagValidationTest}).
 */
class PretrainCommandTest {
  @TempDir Path dir;

  private record Run(int code, String err) {}

  private Run run(String... args) {
    CommandLine cli = TfSsl.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void sectionFiveFlagsReachTheConfig() {
    CommandLine cli = TfSsl.commandLine();
    cli.parseArgs(
        "pretrain",
        "--predictor",
        "moving-average",
        "--predictor-momentum",
        "0.6",
        "--out",
        dir.resolve("a").toString());
    SimSiamConfig s =
        ((PretrainCommand) cli.getSubcommands().get("pretrain").getCommand()).config().simsiam();
    assertEquals(PredictorMode.MOVING_AVERAGE, s.predictor());
    assertEquals(0.6, s.predictorMomentum());
    assertEquals(0, s.alternationSteps());

    cli = TfSsl.commandLine();
    cli.parseArgs("pretrain", "--alternation-steps", "10", "--out", dir.resolve("b").toString());
    s = ((PretrainCommand) cli.getSubcommands().get("pretrain").getCommand()).config().simsiam();
    assertEquals(10, s.alternationSteps());
    assertEquals(PredictorMode.MLP, s.predictor());
  }

  @Test
  void resumingAFinishedRunSaysSoInsteadOfPrintingNaN() throws Exception {
    String out = dir.resolve("done").toString();
    String[] train = {
      "pretrain", "--preset", "fmnist-small", "--steps", "2", "--batch-size", "8", "--out", out
    };
    assertEquals(0, run(train).code());
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    Run r;
    try {
      r = run("pretrain", "--resume", "--out", out);
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, r.code(), r.err());
    String said = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(said.contains("the run is already at step 2 of 2: nothing to train"), said);
    assertTrue(!said.contains("NaN"), said);
  }

  @Test
  void missingOutIsAUsageError() {
    Run r = run("pretrain", "--method", "simsiam");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--out"), r.err());
  }

  @Test
  void resumeWithoutACheckpointIsAClearError() {
    Run r = run("pretrain", "--resume", "--out", dir.resolve("empty").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not a tf-ssl run folder"), r.err());
  }

  @Test
  void aClusterRunIsNotResumedAsOneProcess() throws Exception {
    Path run = dir.resolve("cluster-run");
    java.nio.file.Files.createDirectories(run);
    java.nio.file.Files.writeString(
        run.resolve("cluster.json"),
        "{\"workers\": 2, \"taskIndex\": 0, \"syncBatchNorm\": false, \"addresses\": []}");
    Run r = run("pretrain", "--resume", "--out", run.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("was trained by a cluster of 2 workers"), r.err());
  }

  @Test
  void helpDocumentsEveryFlag() {
    CommandLine cli = TfSsl.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("pretrain", "--help"));
    for (CommandLine.Model.OptionSpec o :
        cli.getSubcommands().get("pretrain").getCommandSpec().options()) {
      assertTrue(
          o.description().length > 0 && !o.description()[0].isBlank(),
          "undocumented option " + o.longestName());
      assertTrue(out.toString().contains(o.longestName().replace("--", "")), o.longestName());
    }
  }
}
