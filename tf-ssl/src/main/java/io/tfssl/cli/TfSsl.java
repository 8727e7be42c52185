package io.tfssl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tfssl} command line: a thin layer over the Java API. Subcommands from other modules
 * (the benchmarks in tf-ssl-bench) are found with {@link ServiceLoader} through {@link
 * CliExtension}.
 */
@Command(
    name = "tfssl",
    mixinStandardHelpOptions = true,
    version = "tf-ssl 0.1.0",
    description =
        "Self-supervised representation learning (SimSiam, BYOL, SimCLR, MoCo v2,"
            + " SwAV) on TensorFlow Java.",
    subcommands = {
      PretrainCommand.class,
      ExportCommand.class,
      InspectCommand.class,
      EvalCommand.class,
      EmbedCommand.class,
      NeighborsCommand.class,
      DemoCommand.class,
      DataCommand.class,
      AugmentPreviewCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TfSsl implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** The command line with every subcommand registered (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TfSsl());
    for (CliExtension extension : ServiceLoader.load(CliExtension.class)) {
      cli.addSubcommand(extension.command());
    }
    // pretrain's preset-controlled flags: their values come from the preset, shown in its help.
    CommandLine pretrain = cli.getSubcommands().get("pretrain");
    List<String> footer =
        new ArrayList<>(List.of(pretrain.getCommandSpec().usageMessage().footer()));
    footer.addAll(PresetDefaults.lines("fmnist-small"));
    pretrain.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(ErrorHandler::parameterError);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
