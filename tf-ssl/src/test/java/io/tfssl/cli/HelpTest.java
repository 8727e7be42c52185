package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders cleanly: picocli formats descriptions with String.format, so a bare
 * '%' (as in "1% of the labels") makes it print a warning and the raw text instead.
 */
class HelpTest {
  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      check(TfSsl.commandLine());
    } finally {
      System.setErr(err);
    }
    String warnings = captured.toString(StandardCharsets.UTF_8);
    assertFalse(warnings.contains("picocli WARN"), warnings);
  }

  private static void check(CommandLine cli) {
    String usage = cli.getUsageMessage();
    assertTrue(usage.contains("Usage:"), usage);
    assertFalse(usage.contains("%n"), "unformatted help of " + cli.getCommandName());
    for (CommandLine sub : cli.getSubcommands().values()) {
      check(sub);
    }
  }

  @Test
  void pretrainHelpShowsThePresetsValues() {
    String usage = TfSsl.commandLine().getSubcommands().get("pretrain").getUsageMessage();
    // SimSiam's fmnist-small recipe (README "Presets"): SGD, base lr 0.3, batch 256.
    assertTrue(usage.contains("simsiam  --batch-size 256 --epochs 10 --encoder small"), usage);
    assertTrue(usage.contains("--optimizer sgd --lr 0.3 --weight-decay 0.0005"), usage);
  }

  @Test
  void finetuneHelpShowsThePercentages() {
    String usage =
        TfSsl.commandLine()
            .getSubcommands()
            .get("eval")
            .getSubcommands()
            .get("finetune")
            .getUsageMessage();
    assertTrue(usage.contains("1% or 10%"), usage);
    assertEquals(-1, usage.indexOf("%%"), usage);
  }
}
