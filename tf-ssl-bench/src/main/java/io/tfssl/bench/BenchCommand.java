package io.tfssl.bench;

import io.tfssl.bench.repro.AllCommand;
import io.tfssl.bench.repro.ClaimsCommand;
import io.tfssl.bench.repro.IndexCommand;
import io.tfssl.bench.repro.SemiSupervisedCommand;
import io.tfssl.bench.repro.TableCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tfssl bench}: the benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Reproduction tables of the SimSiam and BYOL papers, and benchmarks of the"
            + " training engine.",
    subcommands = {
      TableCommand.class,
      ClaimsCommand.class,
      SemiSupervisedCommand.class,
      AllCommand.class,
      IndexCommand.class,
      ThroughputCommand.class,
      LongRunCommand.class,
      StepBenchCommand.class,
      GpuAuditCommand.class,
      LoaderBenchCommand.class,
      AugmentBenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
