package io.tfssl.data;

/**
 * A finite, random-access collection of uint8 images of one fixed shape, with optional integer
 * labels.
 *
 * <p>This is the only thing a {@link Dataset} needs from a data set: IDX, CIFAR, STL-10, image
 * folders or TFRecord files each become one implementation. Random access (rather than a stream) is
 * what lets {@link Dataset} shuffle exactly and resume at any batch in O(1).
 *
 * <p>Implementations must allow {@link #readImage} and {@link #label} to be called concurrently
 * from several threads: each prefetching iterator reads from its own background thread, and a
 * training and an evaluation pipeline may share one source.
 */
public interface ImageSource {

  /**
   * A human-readable name for this source, such as the file path or data set name; it appears in
   * error messages.
   *
   * @return the name, never null
   */
  String name();

  /**
   * The number of images.
   *
   * @return the number of images, at least 1
   */
  int size();

  /**
   * The image height in pixels.
   *
   * @return the height, at least 1
   */
  int height();

  /**
   * The image width in pixels.
   *
   * @return the width, at least 1
   */
  int width();

  /**
   * The number of channels per pixel (1 for grayscale, 3 for RGB).
   *
   * @return the channel count, at least 1
   */
  int channels();

  /**
   * Copies image {@code index} into {@code dst} as {@code height() * width() * channels()} uint8
   * values in HWC order (row-major, channels interleaved), starting at {@code offset}.
   *
   * @param index the image index, {@code 0 <= index < size()}
   * @param dst the destination array
   * @param offset where in {@code dst} the first byte goes
   * @throws IndexOutOfBoundsException if {@code index} is out of range or {@code dst} is too small
   */
  void readImage(int index, byte[] dst, int offset);

  /**
   * The class label of image {@code index}.
   *
   * @param index the image index, {@code 0 <= index < size()}
   * @return the label in {@code [0, numClasses())}, or -1 when the source is unlabeled
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  int label(int index);

  /**
   * The number of classes.
   *
   * @return the number of classes, or 0 when the source is unlabeled
   */
  int numClasses();

  /**
   * The number of bytes one image occupies, {@code height() * width() * channels()}.
   *
   * @return bytes per image
   */
  default int imageBytes() {
    return height() * width() * channels();
  }
}
