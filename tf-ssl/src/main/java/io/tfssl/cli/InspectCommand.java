package io.tfssl.cli;

import io.tfssl.export.ModelSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tfssl inspect}: what a SavedModel takes and returns. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Prints a SavedModel's signatures (input and output names, dtypes, shapes) and "
            + "its variables' count and size.",
    footer = {
      "",
      "Examples:",
      "  tfssl inspect saved_models/fmnist-simsiam/1",
      "  tfssl inspect --model saved_models/fmnist-simsiam"
    })
public final class InspectCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "DIR",
      arity = "0..1",
      description = "A SavedModel version directory, or a model directory (its latest version).")
  Path dir;

  // The name eval and embed use for the same thing; the positional form stays.
  @Option(names = "--model", paramLabel = "DIR", description = "The same as DIR.")
  Path model;

  @Override
  public Integer call() {
    if ((dir == null) == (model == null)) {
      throw new UsageException("inspect takes one model: DIR or --model DIR");
    }
    System.out.print(ModelSummary.of(dir != null ? dir : model).format());
    return 0;
  }
}
