package io.tfssl.cli;

import io.tfssl.export.ModelSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tfssl inspect}: what a SavedModel takes and returns. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Prints a SavedModel's signatures (input and output names, dtypes, shapes) and "
        + "its variables' count and size.",
    footer = {"", "Example:", "  tfssl inspect saved_models/fmnist-simsiam/1"})
public final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR",
      description = "A SavedModel version directory, or a model directory (its latest version).")
  Path dir;

  @Override
  public Integer call() {
    System.out.print(ModelSummary.of(dir).format());
    return 0;
  }
}
