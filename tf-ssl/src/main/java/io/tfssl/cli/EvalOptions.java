package io.tfssl.cli;

import io.tfssl.data.Datasets;
import io.tfssl.eval.EvalData;
import io.tfssl.export.ModelMetadata;
import io.tfssl.export.SavedModels;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every {@code tfssl eval} protocol takes. */
final class EvalOptions {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "SavedModel version directory (or a model directory: its latest version).")
  Path model;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description =
          "Labeled dataset to evaluate on (default: the one the model was pretrained on).")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Folder with the dataset's files (default /usr/share/datasets/<name>).")
  Path dataDir;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      defaultValue = "0",
      description = "Decode folder/TFRecord images to PX×PX (default: the model's input size).")
  int imageSize;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description = "Use only the first N images of each split, for a quick check (default: all).")
  int limit;

  @Option(
      names = "--baseline",
      paramLabel = "random-init",
      description = "Also evaluate the same encoder untrained and print both.")
  String baseline;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write the results as JSON.")
  Path report;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of validation split, shuffles, subsets (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "0",
      description = "Cores TF may use (0 = all).")
  int threads;

  @Mixin TfRecordOptions tfRecord = new TfRecordOptions();

  /** Every flag's range, before the model or the data are touched. */
  void validate() {
    CliChecks.nonNegative("--image-size", imageSize);
    CliChecks.nonNegative("--limit", limit);
    CliChecks.nonNegative("--threads", threads);
    CliChecks.writableFile("--report", report);
    withBaseline();
  }

  boolean withBaseline() {
    if (baseline == null) {
      return false;
    }
    if (!baseline.equals("random-init")) {
      throw new UsageException("--baseline must be random-init, got '" + baseline + "'");
    }
    return true;
  }

  ModelMetadata metadata() {
    return ModelMetadata.read(SavedModels.resolve(model)).orElse(null);
  }

  EvalData data(String fallback) {
    String name = dataset != null ? dataset : fallback;
    if (name == null) {
      throw new UsageException(
          "--dataset is required: "
              + model
              + " has no metadata.json"
              + " naming the dataset it was trained on");
    }
    Datasets.check(name);
    ModelMetadata m = metadata();
    int size = imageSize > 0 ? imageSize : m != null ? m.height() : 0;
    if (limit < 0) {
      throw new UsageException("--limit cannot be negative, got " + limit);
    }
    return new EvalData(
        name, dataDir, new Datasets.Options(size, false, tfRecord.layout(name)), limit);
  }
}
