package io.tfssl.data;

/**
 * A {@link BatchIterator} that, when closed, also closes the {@link BatchAssembler} it reads from,
 * which stops the assembler's decoding threads.
 *
 * <p>A wrapper rather than a change to the two iterators: they stay ignorant of how batches are
 * built, and {@link Dataset} wraps only when the assembler owns a pool. The inner iterator is
 * closed first, so its prefetch thread has stopped calling the assembler before the pool shuts
 * down.
 */
final class ClosingBatchIterator implements BatchIterator {

  private final BatchIterator inner;
  private final BatchAssembler assembler;

  ClosingBatchIterator(BatchIterator inner, BatchAssembler assembler) {
    this.inner = inner;
    this.assembler = assembler;
  }

  @Override
  public boolean hasNext() {
    return inner.hasNext();
  }

  @Override
  public Batch next() {
    return inner.next();
  }

  @Override
  public long nextIndex() {
    return inner.nextIndex();
  }

  @Override
  public void close() {
    try {
      inner.close();
    } finally {
      assembler.close();
    }
  }
}
