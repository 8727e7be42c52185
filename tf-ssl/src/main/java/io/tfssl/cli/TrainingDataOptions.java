package io.tfssl.cli;

import io.tfssl.train.PretrainConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s training data. Not {@link DataOptions}: that one opens a split for the data
 * commands and requires {@code --dataset}, while here every flag is optional and changes the
 * recipe's own data.
 */
final class TrainingDataOptions {
  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description =
          "Training data: fashion-mnist (default), mnist, cifar10, cifar100, stl10, "
              + "folder (root/<class>/*.jpg|png), tfrecord (Example layout, see --label-offset).")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Folder with the dataset's files (default /usr/share/datasets/<name>; "
              + "Fashion-MNIST: /usr/share/datasets/fashion-mnist).")
  Path dataDir;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      description =
          "Side of the augmented views, and of decoded folder/TFRecord images "
              + "(default: the dataset's own size; 96 for folder/tfrecord).")
  Integer imageSize;

  @Option(
      names = "--skip-bad-images",
      negatable = true,
      description =
          "Skip undecodable images of a folder or TFRecord (counted and reported) "
              + "instead of stopping.")
  Boolean skipBadImages;

  @Mixin TfRecordOptions tfRecord = new TfRecordOptions();

  /**
   * Applies every given value to {@code b}; fails for a flag that does not fit the dataset (given
   * or {@code base}'s). The TFRecord layout is {@code base}'s with only the given flags changed.
   */
  void applyTo(PretrainConfig.Builder b, PretrainConfig base) {
    String data = dataset != null ? dataset : base.dataset();
    Given.rejectUnless(
        data.equals("folder") || data.equals("tfrecord"),
        "the folder and tfrecord datasets (the only ones with encoded images to skip)",
        List.of(Given.of("--skip-bad-images", skipBadImages)));
    b.tfRecord(tfRecord.layout(data, base.tfRecord()));
    if (dataset != null) b.dataset(dataset);
    if (dataDir != null) b.dataDir(dataDir.toString());
    if (imageSize != null) b.imageSize(imageSize);
    if (skipBadImages != null) b.skipBadImages(skipBadImages);
  }
}
