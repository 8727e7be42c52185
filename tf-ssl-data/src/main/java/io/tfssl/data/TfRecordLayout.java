package io.tfssl.data;

import java.util.Objects;

/**
 * Where a TFRecord set keeps its images and labels and how its labels are numbered: what {@code
 * --image-key}, {@code --label-key}, {@code --label-offset} and {@code --num-classes} set on the
 * command line.
 *
 * @param imageKey the bytes feature with the encoded image
 * @param labelKey the int64 feature with the label
 * @param labelOffset added to every stored label; null to detect it from the labels (see {@link
 *     TfRecordLabels}): 0 when a label 0 is seen, else -1 (TF-slim's 1-based ImageNet labels)
 * @param numClasses the number of classes after the offset; 0 to detect it (see {@link
 *     TfRecordLabels})
 */
public record TfRecordLayout(
    String imageKey, String labelKey, Integer labelOffset, int numClasses) {

  /** The TF-slim / TPU ImageNet feature names. */
  public static final String IMAGE_KEY = "image/encoded";

  public static final String LABEL_KEY = "image/class/label";

  public TfRecordLayout {
    Objects.requireNonNull(imageKey, "imageKey");
    Objects.requireNonNull(labelKey, "labelKey");
    if (imageKey.isEmpty() || labelKey.isEmpty()) {
      throw new IllegalArgumentException("feature names cannot be empty");
    }
    if (numClasses < 0) {
      throw new IllegalArgumentException("number of classes cannot be negative, got " + numClasses);
    }
  }

  /** The ImageNet feature names, offset and class count detected. */
  public static TfRecordLayout defaults() {
    return new TfRecordLayout(IMAGE_KEY, LABEL_KEY, null, 0);
  }
}
