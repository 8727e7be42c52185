package io.tfssl.cli;

import io.tfssl.data.Datasets;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Split;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --dataset / --data-dir / --image-size / --split} options shared by data commands. */
final class DataOptions {
  @Option(names = "--dataset", required = true, paramLabel = "NAME",
      description = "fashion-mnist, mnist, cifar10, cifar100, stl10, folder or tfrecord.")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Folder with the dataset's files (default /usr/share/datasets/<name>).")
  Path dataDir;

  @Option(names = "--image-size", paramLabel = "PX", defaultValue = "0",
      description = "Decode folder/TFRecord images to PX×PX (default 96).")
  int imageSize;

  @Option(names = "--split", paramLabel = "train|test", defaultValue = "train",
      description = "Which split (default: ${DEFAULT-VALUE}).")
  String split;

  ImageSource open() {
    Datasets.check(dataset);
    CliChecks.nonNegative("--image-size", imageSize);
    Split s = switch (split) {
      case "train" -> Split.TRAIN;
      case "test" -> Split.TEST;
      default -> throw new UsageException("--split must be train or test, got '" + split + "'");
    };
    Path dir = dataDir != null ? dataDir : Datasets.defaultDir(dataset);
    return Datasets.open(dataset, dir, s, new Datasets.Options(imageSize, false));
  }
}
