package io.tfssl.data;

import java.util.Arrays;

/**
 * Everything a source delivers, read out in full: shape, class count, and every label and image, so
 * that the fuzz test can compare what a loader produced with what the files hold.
 *
 * <p>As an <em>expectation</em> a snapshot may leave images open where the files do not fix them (a
 * JPEG has no checksum, so a flipped byte may decode to other, equally plausible pixels): a null
 * image matches any image of the right size. Everything else, labels included, must match exactly.
 *
 * @param coarseLabels CIFAR-100's second label per image, or null for other formats
 */
record Snapshot(
    int height,
    int width,
    int channels,
    int numClasses,
    int[] labels,
    int[] coarseLabels,
    byte[][] images) {

  int size() {
    return labels.length;
  }

  /** Reads every label and image of {@code source}. */
  static Snapshot of(ImageSource source) {
    return of(source, null);
  }

  /** Reads every label and image of {@code source}, with {@code coarse} as the second labels. */
  static Snapshot of(ImageSource source, int[] coarse) {
    int n = source.size();
    int[] labels = new int[n];
    byte[][] images = new byte[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = source.label(i);
      images[i] = new byte[source.imageBytes()];
      source.readImage(i, images[i], 0);
    }
    return new Snapshot(
        source.height(),
        source.width(),
        source.channels(),
        source.numClasses(),
        labels,
        coarse,
        images);
  }

  /** A copy in which image {@code i} may be anything. */
  Snapshot anyImage(int i) {
    byte[][] im = images.clone();
    im[i] = null;
    return new Snapshot(height, width, channels, numClasses, labels, coarseLabels, im);
  }

  /**
   * How {@code actual} departs from this expectation, or null if it matches.
   *
   * @param actual what a source delivered (no open entries)
   */
  String mismatch(Snapshot actual) {
    String shape = height + "x" + width + "x" + channels;
    String actualShape = actual.height + "x" + actual.width + "x" + actual.channels;
    if (!shape.equals(actualShape)) {
      return "shape " + actualShape + ", expected " + shape;
    }
    if (actual.size() != size()) {
      return actual.size() + " images, expected " + size();
    }
    if (actual.numClasses != numClasses) {
      return "numClasses " + actual.numClasses + ", expected " + numClasses;
    }
    for (int i = 0; i < size(); i++) {
      if (actual.labels[i] != labels[i]) {
        return "image " + i + ": label " + actual.labels[i] + ", expected " + labels[i];
      }
      if (coarseLabels != null && actual.coarseLabels[i] != coarseLabels[i]) {
        return "image "
            + i
            + ": coarse label "
            + actual.coarseLabels[i]
            + ", expected "
            + coarseLabels[i];
      }
      int bytes = height * width * channels;
      if (actual.images[i].length != bytes) {
        return "image " + i + " has " + actual.images[i].length + " bytes, expected " + bytes;
      }
      if (images[i] != null && !Arrays.equals(images[i], actual.images[i])) {
        return "image "
            + i
            + ": pixels differ from the file's (first at byte "
            + Arrays.mismatch(images[i], actual.images[i])
            + ")";
      }
    }
    return null;
  }
}
