package io.tfssl.data;

import org.tensorflow.types.TUint8;

/**
 * One batch of images as a uint8 tensor {@code [n, H, W, C]}, with labels and its position in
 * the stream.
 *
 * <p>The batch owns a native tensor, so the consumer must close it (try-with-resources) once
 * the tensor has been fed to the session: TensorFlow Java does not free tensor memory fast
 * enough through garbage collection alone.
 */
public final class Batch implements AutoCloseable {

    private final long index;
    private final int epoch;
    private final TUint8 images;
    private final int[] labels;
    private boolean closed;

    Batch(long index, int epoch, TUint8 images, int[] labels) {
        this.index = index;
        this.epoch = epoch;
        this.images = images;
        this.labels = labels;
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
     * The number of images; smaller than the batch size only for the last batch of an epoch
     * when the remainder is kept.
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

    /** Closes the images tensor; further calls do nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            images.close();
        }
    }
}
