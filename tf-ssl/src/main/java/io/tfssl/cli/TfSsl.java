package io.tfssl.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tfssl} command line: a thin layer over the Java API. Subcommands from other modules
 * (the benchmarks in tf-ssl-bench) are found with {@link ServiceLoader} through
 * {@link CliExtension}.
 */
@Command(name = "tfssl", mixinStandardHelpOptions = true, version = "tf-ssl 0.1.0",
    description = "Self-supervised representation learning (SimSiam, BYOL, SimCLR, MoCo v2,"
        + " SwAV) on TensorFlow Java.",
    subcommands = {PretrainCommand.class, ExportCommand.class, InspectCommand.class,
        EvalCommand.class, EmbedCommand.class, NeighborsCommand.class, DemoCommand.class,
        DataCommand.class, AugmentPreviewCommand.class,
        CommandLine.HelpCommand.class})
public final class TfSsl implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

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
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(ErrorHandler::parameterError);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
