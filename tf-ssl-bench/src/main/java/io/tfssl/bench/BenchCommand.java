package io.tfssl.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tfssl bench}: the benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks of the training engine.",
    subcommands = {StepBenchCommand.class, LoaderBenchCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
