package io.tfssl.data;

import java.util.Iterator;

/**
 * Iterates the batches of a {@link Dataset}, possibly filled ahead by a background thread.
 *
 * <p>Must be closed (try-with-resources): closing stops the prefetch thread and frees the tensors
 * it has queued. Batches already returned by {@link #next()} belong to the caller and are not
 * affected. If building a batch fails in the background thread, {@link #next()} throws an {@link
 * IllegalStateException} whose cause is the original exception, after all batches built before the
 * failure have been returned.
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {

  /**
   * The global index of the batch the next call to {@link #next()} returns; save it to resume later
   * with {@code Dataset.iterator(nextIndex())}.
   *
   * @return the next batch index
   */
  long nextIndex();

  /** Stops any background work and closes queued tensors; idempotent, never throws. */
  @Override
  void close();
}
