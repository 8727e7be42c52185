package io.tfssl.data;

import java.util.NoSuchElementException;

/**
 * A {@link BatchIterator} without prefetching: each batch is built on the caller's thread inside
 * {@link #next()}. Used for {@code prefetch(0)}; failures are wrapped the same way as in {@link
 * PrefetchBatchIterator} so callers see one behaviour either way.
 */
final class DirectBatchIterator implements BatchIterator {

  private final BatchAssembler assembler;
  private final String sourceName;
  private final long end;
  private long next;
  private boolean finished;

  /** Yields batches {@code start} (inclusive) to {@code end} (exclusive). */
  DirectBatchIterator(BatchAssembler assembler, String sourceName, long start, long end) {
    this.assembler = assembler;
    this.sourceName = sourceName;
    this.next = start;
    this.end = end;
  }

  @Override
  public boolean hasNext() {
    return !finished && next < end;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException(
          "no batch "
              + next
              + " of "
              + sourceName
              + (finished ? ": iterator closed or failed" : ": the dataset ends at batch " + end));
    }
    try {
      Batch b = assembler.assemble(next);
      next++;
      return b;
    } catch (RuntimeException | Error e) {
      finished = true;
      throw new IllegalStateException(
          "building batch " + next + " of " + sourceName + " failed: " + e, e);
    }
  }

  @Override
  public long nextIndex() {
    return next;
  }

  @Override
  public void close() {
    finished = true;
  }
}
