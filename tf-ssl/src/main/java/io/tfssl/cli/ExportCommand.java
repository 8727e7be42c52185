package io.tfssl.cli;

import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl export}: a run's latest checkpoint as a SavedModel for TF Serving. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the encoder and projector of a run (batch norm in inference mode, "
          + "nothing of training) as a SavedModel in TF Serving's layout, "
          + "saved_models/NAME/VERSION/, with metadata.json beside it.",
      "Signatures (method tensorflow/serving/predict): serving_default (images: uint8 "
          + "[-1,H,W,C] -> embedding, projection), serving_bytes (image_bytes: string [-1] of "
          + "JPEG/PNG/GIF/BMP files -> embedding, embedding_l2, projection) and embed_normalized "
          + "(normalized_images: float [-1,S,S,C] -> embedding, projection)."
    },
    footer = {"", "Example:", "  tfssl export --run runs/s1 --name fmnist-simsiam"})
public final class ExportCommand implements Callable<Integer> {
  @Option(
      names = "--run",
      required = true,
      paramLabel = "DIR",
      description = "The run folder (runs/NAME) whose latest checkpoint to export.")
  Path run;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "Model name, the directory under --saved-models (default: the run folder's name).")
  String name;

  // Not --version: that is the standard "print the tool's version" flag of every command, and
  // taking it over broke --help and -h for export.
  @Option(
      names = "--model-version",
      paramLabel = "N",
      description = "Version directory (default: one more than the highest existing).")
  Integer version;

  @Option(
      names = "--saved-models",
      paramLabel = "DIR",
      defaultValue = "saved_models",
      description = "Root of the model repository (default: ${DEFAULT-VALUE}).")
  Path root;

  @Override
  public Integer call() {
    if (version != null && version < 1) {
      throw new UsageException("--model-version must be >= 1, got " + version);
    }
    CliChecks.name("--name", name);
    CliChecks.writableDirectory("--saved-models", root);
    String modelName =
        name != null ? name : run.toAbsolutePath().normalize().getFileName().toString();
    ExportedModel m =
        Exporter.exportRun(
            run, root, modelName, version == null ? OptionalInt.empty() : OptionalInt.of(version));
    System.out.printf(
        "exported %s (step %d of %s, %s encoder, embedding %d, projection %d)%n",
        m.dir(),
        m.metadata().steps(),
        run,
        m.metadata().encoder(),
        m.metadata().embeddingDim(),
        m.metadata().projectionDim());
    return 0;
  }
}
