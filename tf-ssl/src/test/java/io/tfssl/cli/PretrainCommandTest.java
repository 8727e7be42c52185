package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiamConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad command lines give one clear line and exit code 2, never a stack trace. */
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--method mocov9 | unknown method 'mocov9'",
      "--batch-size 0 | batch size must be positive",
      "--batch-size -3 | batch size must be positive",
      "--epochs 0 | positive number of epochs or steps",
      "--encoder vgg | unknown encoder 'vgg'",
      "--preset nope | unknown preset 'nope'",
      "--method byol --preset simsiam-paper | does not apply to byol",
      "--method simsiam --tau 0.99 | --tau applies only to BYOL",
      "--method byol --no-stop-gradient | --stop-gradient applies only to SimSiam",
      "--method byol --predictor none | --predictor applies only to SimSiam",
      "--method simsiam --lars-eta 0.001 | --lars-eta applies only to the LARS optimizer",
      "--head-bn some | 'some' is not one of none, hidden, hidden-output, all",
      "--lr -1 | learning rate must be positive",
      "--method byol --tau 1.5 | tau must be in [0, 1]",
      "--predictor-dims 16,32 | predictor's output width",
      "--data-dir /nonexistent/fmnist | /nonexistent/fmnist",
      "--batch-size x | 'x'",
      "--no-such-flag | Unknown option",
      "--method simsiam --temperature 0.1 | --temperature applies only to SimCLR, MoCo v2 and SwAV",
      "--method byol --temperature 0.1 | --temperature applies only to SimCLR, MoCo v2 and SwAV",
      "--method simclr --queue-size 4096 | --queue-size applies only to MoCo v2",
      "--method swav --shuffle-bn-groups 2 | --shuffle-bn-groups applies only to MoCo v2",
      "--method mocov2 --prototypes 30 | --prototypes applies only to SwAV",
      "--method simclr --sinkhorn-iterations 3 | --sinkhorn-iterations applies only to SwAV",
      "--method byol --epsilon 0.05 | --epsilon applies only to SwAV",
      "--method mocov2 --small-crops 2 | --small-crops applies only to SwAV",
      "--method simclr --small-crop-size 14 | --small-crop-size applies only to SwAV",
      "--method simclr --small-crop-scale 0.1,0.4 | --small-crop-scale applies only to SwAV",
      "--method simclr --tau 0.99 | --tau applies only to BYOL and MoCo v2",
      "--method swav --tau-schedule constant | --tau-schedule applies only to BYOL and MoCo v2",
      "--method mocov2 --predictor-dims 8,8 | --predictor-dims applies only to SimSiam and BYOL",
      "--method swav --head-bn none | --head-bn applies only to SimSiam, BYOL and SimCLR",
      "--method mocov2 --no-stop-gradient | --stop-gradient applies only to SimSiam",
      "--method simclr --temperature 0 | temperature must be positive",
      "--method mocov2 --queue-size 0 | queue size must be at least 1",
      "--method mocov2 --shuffle-bn-groups 3 | must be a multiple of the shuffle-BN groups",
      "--method swav --sinkhorn-iterations 0 | Sinkhorn iterations must be at least 1",
      "--method swav --epsilon -1 | epsilon must be positive",
      "--method swav --small-crop-scale 0.5,0.2 | small crop scales need 0 < min <= max <= 1",
      "--method swav --small-crop-scale 0.5 | --small-crop-scale takes MIN,MAX",
      "--method simclr --preset mocov2-paper | does not apply to simclr",
      "--method swav --preset byol-paper | does not apply to swav",
      "--method byol --alternation-steps 10 | --alternation-steps applies only to SimSiam",
      "--method simsiam --alternation-steps -1 | --alternation-steps cannot be negative",
      "--method mocov2 --predictor-momentum 0.8 | --predictor-momentum applies only to SimSiam",
      "--predictor-momentum 0.5 | --predictor-momentum applies only to --predictor moving-average",
      "--predictor moving-average --predictor-momentum 1 | --predictor-momentum must be in [0, 1)",
      "--predictor moving-average --no-stop-gradient | cannot be combined with --predictor moving-average",
      "--alternation-steps 4 --no-stop-gradient | cannot be combined with --alternation-steps",
      "--alternation-steps 4 --predictor moving-average | separate experiments of §5",
      "--predictor mean | 'mean' is not one of mlp, none, fixed, moving-average"})
  void badValuesExitWithCode2(String args, String expected) {
    String[] argv = (args.trim() + " --out " + dir.resolve("r")).split("\\s+");
    String[] full = new String[argv.length + 1];
    full[0] = "pretrain";
    System.arraycopy(argv, 0, full, 1, argv.length);
    Run r = run(full);
    assertEquals(2, r.code(), "exit code for: " + args + "\n" + r.err());
    assertTrue(r.err().contains(expected), "message for " + args + " was: " + r.err());
    assertFalse(r.err().contains("\tat "), "stack trace printed: " + r.err());
  }

  @Test
  void sectionFiveFlagsReachTheConfig() {
    CommandLine cli = TfSsl.commandLine();
    cli.parseArgs("pretrain", "--predictor", "moving-average", "--predictor-momentum", "0.6",
        "--out", dir.resolve("a").toString());
    SimSiamConfig s = ((PretrainCommand) cli.getSubcommands().get("pretrain").getCommand())
        .config().simsiam();
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
  void helpDocumentsEveryFlag() {
    CommandLine cli = TfSsl.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("pretrain", "--help"));
    for (CommandLine.Model.OptionSpec o : cli.getSubcommands().get("pretrain").getCommandSpec().options()) {
      assertTrue(o.description().length > 0 && !o.description()[0].isBlank(),
          "undocumented option " + o.longestName());
      assertTrue(out.toString().contains(o.longestName().replace("--", "")), o.longestName());
    }
  }
}
