package io.tfssl.cli;

import io.tfssl.data.Datasets;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Split;
import io.tfssl.data.TfRecordLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --dataset / --data-dir / --image-size / --split} options shared by data commands, with
 * the {@code --dataset tfrecord} ones ({@link TfRecordOptions}).
 */
final class DataOptions {
  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "NAME",
      description = "fashion-mnist, mnist, cifar10, cifar100, stl10, folder or tfrecord.")
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
      description =
          "Decode folder/TFRecord images to PX×PX (default 96; embed: the model's"
              + " input size).")
  int imageSize;

  @Option(
      names = "--split",
      paramLabel = "train|test",
      defaultValue = "train",
      description = "Which split (default: ${DEFAULT-VALUE}).")
  String split;

  @Mixin TfRecordOptions tfRecord = new TfRecordOptions();

  /** The command these options are mixed into: notes go to its stderr. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  ImageSource open() {
    return open(0, false);
  }

  /** Checks every flag (dataset name, size, split, the tfrecord ones) before any work. */
  void validate() {
    try {
      Datasets.check(dataset);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--dataset: " + e.getMessage());
    }
    CliChecks.nonNegative("--image-size", imageSize);
    if (dataDir != null && !Files.exists(dataDir)) {
      throw new UsageException("--data-dir: no such file or folder: " + dataDir);
    }
    split();
    tfRecord.layout(dataset);
  }

  private Split split() {
    return switch (split) {
      case "train" -> Split.TRAIN;
      case "test" -> Split.TEST;
      default -> throw new UsageException("--split must be train or test, got '" + split + "'");
    };
  }

  /**
   * Opens the split; {@code defaultSize} is the side folder and TFRecord images are decoded to
   * without {@code --image-size} (0: 96). Prints how TFRecord labels were numbered, if detected.
   */
  ImageSource open(int defaultSize, boolean skipBadImages) {
    validate();
    TfRecordLayout layout = tfRecord.layout(dataset);
    Path dir = dataDir != null ? dataDir : Datasets.defaultDir(dataset);
    int size = imageSize > 0 ? imageSize : defaultSize;
    ImageSource source =
        Datasets.open(dataset, dir, split(), new Datasets.Options(size, skipBadImages, layout));
    Datasets.labelNote(source)
        .ifPresent(
            note -> {
              command.commandLine().getErr().println(note);
              command.commandLine().getErr().flush();
            });
    return source;
  }
}
