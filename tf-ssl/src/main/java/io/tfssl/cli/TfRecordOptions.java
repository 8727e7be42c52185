package io.tfssl.cli;

import io.tfssl.data.TfRecordLayout;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --dataset tfrecord} options: feature names and label numbering of one's own TFRecord
 * files (commands that read data mix these in).
 */
final class TfRecordOptions {
  @Option(
      names = "--label-offset",
      paramLabel = "K",
      description =
          "tfrecord: added to every stored label (0 for 0-based labels, -1 for TF-slim's"
              + " 1-based ImageNet labels; default: detected, a label 0 means 0-based).")
  Integer labelOffset;

  @Option(
      names = "--num-classes",
      paramLabel = "N",
      description =
          "tfrecord: number of classes (default: the largest label after the offset,"
              + " plus one).")
  Integer numClasses;

  @Option(
      names = "--image-key",
      paramLabel = "NAME",
      description = "tfrecord: bytes feature with the encoded image (default: image/encoded).")
  String imageKey;

  @Option(
      names = "--label-key",
      paramLabel = "NAME",
      description = "tfrecord: int64 feature with the label (default: image/class/label).")
  String labelKey;

  /** The layout for {@code dataset}; fails when a flag is set for another dataset. */
  TfRecordLayout layout(String dataset) {
    return layout(dataset, TfRecordLayout.defaults());
  }

  /**
   * {@code base} with the flags given applied (base itself when none is); fails when a flag is set
   * for a dataset other than tfrecord.
   */
  TfRecordLayout layout(String dataset, TfRecordLayout base) {
    if (!"tfrecord".equals(dataset)) {
      Given.rejectUnless(
          false,
          "--dataset tfrecord",
          List.of(
              Given.of("--label-offset", labelOffset),
              Given.of("--num-classes", numClasses),
              Given.of("--image-key", imageKey),
              Given.of("--label-key", labelKey)));
      return base;
    }
    CliChecks.positive("--num-classes", numClasses);
    for (String[] f : new String[][] {{"--image-key", imageKey}, {"--label-key", labelKey}}) {
      if (f[1] != null && f[1].isBlank()) {
        throw new UsageException(f[0] + " cannot be empty");
      }
    }
    return new TfRecordLayout(
        imageKey != null ? imageKey : base.imageKey(),
        labelKey != null ? labelKey : base.labelKey(),
        labelOffset != null ? labelOffset : base.labelOffset(),
        numClasses != null ? numClasses : base.numClasses());
  }
}
