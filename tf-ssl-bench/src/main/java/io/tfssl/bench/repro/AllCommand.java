package io.tfssl.bench.repro;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl bench all}: every table (and with --quick, at smoke scale: what CI runs). */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description = {
      "Runs every reproduction table ('bench table all'); --quick at smoke scale"
          + " (a few minutes; CI runs it), without it at the CPU scale of the committed results"
          + " (hours on 2 cores)."
    },
    footer = {"", "Example:", "  tfssl bench all --quick"})
public final class AllCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Smoke scale (see 'bench table --help').")
  boolean quick;

  @Option(names = "--results", paramLabel = "DIR", description = "Where the tables go.")
  java.nio.file.Path results;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("all"));
    if (quick) {
      args.add("--quick");
    }
    if (results != null) {
      args.add("--results");
      args.add(results.toString());
    }
    CommandLine table = spec.parent().subcommands().get("table");
    return table.execute(args.toArray(String[]::new));
  }
}
