package io.tfssl.data;

import org.tensorflow.types.TUint8;

/**
 * One batch of images as a uint8 tensor {@code [n, H, W, C]}, with labels, the source index of
 * every image and its position in the stream.
 *
 * <p>The batch owns a native tensor, so the consumer must close it (try-with-resources) once the
 * tensor has been fed to the session: TensorFlow Java does not free tensor memory fast enough
 * through garbage collection alone.
 */
public final class Batch implements AutoCloseable {

  private final long index;
  private final int epoch;
  private final TUint8 images;
  private final int[] labels;
  private final int[] sourceIndices;
  private boolean closed;

  Batch(long index, int epoch, TUint8 images, int[] labels, int[] sourceIndices) {
    if (sourceIndices.length != labels.length) {
      throw new IllegalArgumentException(
          sourceIndices.length + " source indices for " + labels.length + " images");
    }
    this.index = index;
    this.epoch = epoch;
    this.images = images;
    this.labels = labels;
    this.sourceIndices = sourceIndices;
  }

  /**
   * The global batch index: 0 for the first batch of epoch 0, counting on across epochs.
   *
   * @return the index, usable as the resume point {@code Dataset.iterator(index() + 1)}
   */
  public long index() {
    return index;
  }

  /**
   * The epoch this batch belongs to, {@code index() / batchesPerEpoch()}.
   *
   * @return the epoch, from 0
   */
  public int epoch() {
    return epoch;
  }

  /**
   * The number of images; smaller than the batch size only for the last batch of an epoch when the
   * remainder is kept.
   *
   * @return the number of images
   */
  public int size() {
    return labels.length;
  }

  /**
   * The images as a uint8 tensor of shape {@code [size(), H, W, C]}, owned by this batch.
   *
   * @return the tensor; do not close it separately
   * @throws IllegalStateException if the batch has been closed
   */
  public synchronized TUint8 images() {
    if (closed) {
      throw new IllegalStateException("batch " + index + " is closed");
    }
    return images;
  }

  /**
   * The labels, one per image, -1 for an unlabeled source.
   *
   * @return a fresh copy of the labels
   */
  public int[] labels() {
    return labels.clone();
  }

  /**
   * Which image of the source each row is: {@code sourceIndices()[i]} is the index {@code 0 ..
   * source.size() - 1} of image {@code i}, the same whatever the shuffle and whether the stream was
   * resumed (the epoch order is a pure function of the seed). Methods that keep state per image
   * (SimSiam's moving-average target η_x, §5) key it by this index. Within one batch the indices
   * are distinct (a batch never crosses an epoch).
   *
   * @return a fresh copy of the indices, one per image
   */
  public int[] sourceIndices() {
    return sourceIndices.clone();
  }

  /** Closes the images tensor; further calls do nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      images.close();
    }
  }
}
