package io.tfssl.data;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;

/**
 * Builds batch {@code k} of a dataset from nothing but {@code k}: the epoch and position follow
 * from {@code k}, the image order from {@link EpochOrder}.
 *
 * <p>The hot loop is one {@code System.arraycopy} per image into a reused scratch array and
 * one bulk copy of that array into the tensor; no per-pixel work happens in Java. Not
 * thread-safe (the scratch array and the epoch order are per-iterator state).
 */
final class BatchAssembler {

    private final ImageSource source;
    private final int batchSize;
    private final int batchesPerEpoch;
    private final EpochOrder order;
    private final byte[] scratch;

    BatchAssembler(ImageSource source, int batchSize, int batchesPerEpoch, boolean shuffled, long seed) {
        this.source = source;
        this.batchSize = batchSize;
        this.batchesPerEpoch = batchesPerEpoch;
        this.order = new EpochOrder(source.size(), shuffled, seed);
        this.scratch = new byte[Math.multiplyExact(batchSize, source.imageBytes())];
    }

    /** Builds global batch {@code k}; the caller owns (and must close) the result. */
    Batch assemble(long k) {
        int epoch = Math.toIntExact(k / batchesPerEpoch);
        int first = (int) (k % batchesPerEpoch) * batchSize;
        int n = Math.min(batchSize, source.size() - first);
        int imageBytes = source.imageBytes();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int idx = order.indexAt(epoch, first + i);
            source.readImage(idx, scratch, i * imageBytes);
            labels[i] = source.label(idx);
        }
        Shape shape = Shape.of(n, source.height(), source.width(), source.channels());
        TUint8 images = TUint8.tensorOf(shape, DataBuffers.of(scratch, true, false).narrow((long) n * imageBytes));
        return new Batch(k, epoch, images, labels);
    }
}
