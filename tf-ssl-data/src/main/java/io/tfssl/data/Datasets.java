package io.tfssl.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The datasets tf-ssl reads, by the names the command line uses ({@code --dataset NAME --data-dir
 * DIR}), with their default folders and normalization.
 *
 * <table>
 * <caption>Datasets</caption>
 * <tr><th>name</th><th>format</th><th>pretraining split</th></tr>
 * <tr><td>fashion-mnist, mnist</td><td>IDX, raw or gzipped</td><td>train (60 000)</td></tr>
 * <tr><td>cifar10, cifar100</td><td>CIFAR binary</td><td>train (50 000)</td></tr>
 * <tr><td>stl10</td><td>STL-10 binary</td><td>train + unlabeled (105 000), as the papers do</td></tr>
 * <tr><td>folder</td><td>root/&lt;class&gt;/*.jpg|png, or flat</td><td>root, or root/train</td></tr>
 * <tr><td>tfrecord</td><td>Example layout ({@link TfRecordLayout})</td><td>train-* (or every *.tfrecord*)</td></tr>
 * </table>
 */
public final class Datasets {
  /** Every dataset name. */
  public static final List<String> NAMES =
      List.of("fashion-mnist", "mnist", "cifar10", "cifar100", "stl10", "folder", "tfrecord");

  /** Decoded side length for folders and TFRecords when none is given. */
  public static final int DEFAULT_ENCODED_SIZE = 96;

  private Datasets() {}

  /**
   * How to open a dataset.
   *
   * @param imageSize side length images of encoded formats (folder, tfrecord) are decoded to; 0 for
   *     {@link #DEFAULT_ENCODED_SIZE}; ignored by the fixed-size formats
   * @param skipBadImages skip (and count) undecodable images instead of failing
   * @param tfRecord where a TFRecord set keeps images and labels and how it numbers labels; null
   *     for {@link TfRecordLayout#defaults()} (ImageNet feature names, numbering detected)
   */
  public record Options(int imageSize, boolean skipBadImages, TfRecordLayout tfRecord) {
    public Options {
      if (tfRecord == null) {
        tfRecord = TfRecordLayout.defaults();
      }
    }

    public Options(int imageSize, boolean skipBadImages) {
      this(imageSize, skipBadImages, null);
    }

    public static Options defaults() {
      return new Options(0, false);
    }
  }

  /**
   * How an opened TFRecord set's label offset and class count were detected (to print), or empty
   * for other sources and when both were given.
   */
  public static java.util.Optional<String> labelNote(ImageSource source) {
    ImageSource s = source instanceof SubsetSource subset ? subset.source() : source;
    return s instanceof TfRecordSource t ? t.labelNote() : java.util.Optional.empty();
  }

  /** Fails with the list of names when {@code name} is unknown. */
  public static void check(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown dataset '" + name + "' (expected one of " + NAMES + ")");
    }
  }

  /**
   * Where a dataset is looked for when no folder is given (only Fashion-MNIST has a Debian
   * package).
   */
  public static Path defaultDir(String name) {
    check(name);
    return switch (name) {
      case "fashion-mnist" -> IdxSource.FASHION_MNIST_DIR;
      default -> Path.of("/usr/share/datasets").resolve(name);
    };
  }

  /** The per-channel normalization used for training and export. */
  public static Normalization normalization(String name) {
    check(name);
    return switch (name) {
      case "fashion-mnist" -> Normalization.fashionMnist();
      case "mnist" -> Normalization.mnist();
      case "cifar10", "cifar100" -> Normalization.cifar10();
      default -> Normalization.imagenet();
    };
  }

  /** The images pretraining reads: the train split (STL-10: train + unlabeled). */
  public static ImageSource pretraining(String name, Path dir, Options options) {
    if (name.equals("stl10")) {
      return Stl10Source.open(dir, Stl10Split.TRAIN_AND_UNLABELED);
    }
    return open(name, dir, Split.TRAIN, options);
  }

  /** A labeled split of a dataset. */
  public static ImageSource open(String name, Path dir, Split split, Options options) {
    check(name);
    int size = options.imageSize() > 0 ? options.imageSize() : DEFAULT_ENCODED_SIZE;
    return switch (name) {
      // both have 10 classes: declared, so that a corrupt label byte is an error, not an 11th class
      case "fashion-mnist", "mnist" -> IdxSource.mnistLike(dir, split, 10);
      case "cifar10" -> CifarSource.cifar10(dir, split);
      case "cifar100" -> CifarSource.cifar100(dir, split);
      case "stl10" ->
          Stl10Source.open(dir, split == Split.TRAIN ? Stl10Split.TRAIN : Stl10Split.TEST);
      case "folder" ->
          ImageFolderSource.builder(folderSplit(dir, split))
              .size(size, size)
              .channels(3)
              .skipBadImages(options.skipBadImages())
              .build();
      // TF-slim's ImageNet numbers labels 1..1000 (0 = background), most other sets from 0:
      // unless the options say, TfRecordLabels looks at the labels to tell which.
      case "tfrecord" -> openTfRecord(dir, split, size, options);
      default -> throw new IllegalArgumentException(name);
    };
  }

  /**
   * A TFRecord split; the test split takes the label numbering detected on the train split, so that
   * both splits agree on the offset and the number of classes.
   */
  private static TfRecordSource openTfRecord(Path dir, Split split, int size, Options options) {
    TfRecordLayout layout = options.tfRecord();
    boolean open = layout.labelOffset() == null || layout.numClasses() == 0;
    if (split == Split.TEST && open && hasMatch(dir, "train-*")) {
      try (TfRecordSource train =
          TfRecordLabels.open(dir, "train-*", size, options.skipBadImages(), layout)) {
        if (train.numClasses() > 0) {
          layout =
              new TfRecordLayout(
                  layout.imageKey(), layout.labelKey(), train.labelOffset(), train.numClasses());
        }
      }
    }
    return TfRecordLabels.open(
        dir, tfRecordGlob(dir, split), size, options.skipBadImages(), layout);
  }

  /** {@code root/train} and {@code root/val} (or {@code test}) when present; else root is train. */
  static Path folderSplit(Path root, Split split) {
    Path train = root.resolve("train");
    if (split == Split.TRAIN) {
      return Files.isDirectory(train) ? train : root;
    }
    for (String name : List.of("val", "validation", "test")) {
      if (Files.isDirectory(root.resolve(name))) {
        return root.resolve(name);
      }
    }
    throw new DataFormatException(
        root, "no test split: expected a val/, validation/ or test/" + " sub-folder beside train/");
  }

  /**
   * ImageNet's TFRecord names: train-* and validation-*; otherwise every *.tfrecord* file is train.
   */
  static String tfRecordGlob(Path dir, Split split) {
    String wanted = split == Split.TRAIN ? "train-*" : "validation-*";
    if (hasMatch(dir, wanted)) {
      return wanted;
    }
    if (split == Split.TRAIN) {
      return "*.tfrecord*";
    }
    throw new DataFormatException(dir, "no test split: expected validation-* files");
  }

  private static boolean hasMatch(Path dir, String glob) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> matcher.matches(p.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
