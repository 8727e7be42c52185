package io.tfssl.data;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BatchIterator} whose batches are built ahead by a daemon thread into a bounded queue, so
 * that reading and copying images overlaps with the session step.
 *
 * <p>The queue carries batches followed by exactly one terminal item: {@link #END}, or a {@link
 * Failure} holding what the producer threw. The consumer therefore never waits on a producer that
 * has given up; as a last guard it also stops waiting when the producer thread is no longer alive.
 * {@link #close()} interrupts the producer (which then closes the batch it holds), joins it, and
 * closes every batch still queued. The bound keeps at most {@code depth + 2} batches alive: {@code
 * depth} queued, one being built, one taken by {@link #hasNext()}.
 */
final class PrefetchBatchIterator implements BatchIterator {

  /** Name prefix of the producer threads, so tests and thread dumps can find them. */
  static final String THREAD_PREFIX = "tfssl-prefetch-";

  private static final AtomicLong THREAD_IDS = new AtomicLong();
  private static final Object END = new Object();
  private static final long JOIN_MILLIS = 5_000;

  /** Terminal queue item: the producer failed while building batch {@code index}. */
  private record Failure(long index, Throwable cause) {}

  private final BatchAssembler assembler;
  private final String sourceName;
  private final long start;
  private final long end;
  private final BlockingQueue<Object> queue;
  private final Thread producer;
  private volatile boolean closed;
  private Object pending;
  private boolean finished;
  private long next;

  /** Starts a producer for batches {@code start} (inclusive) to {@code end} (exclusive). */
  PrefetchBatchIterator(
      BatchAssembler assembler, String sourceName, long start, long end, int depth) {
    this.assembler = assembler;
    this.sourceName = sourceName;
    this.start = start;
    this.end = end;
    this.next = start;
    this.queue = new ArrayBlockingQueue<>(depth);
    this.producer =
        new Thread(this::produce, THREAD_PREFIX + THREAD_IDS.incrementAndGet() + "-" + sourceName);
    producer.setDaemon(true);
    producer.start();
  }

  private void produce() {
    long k = start;
    try {
      for (; k < end && !closed; k++) {
        Batch b = assembler.assemble(k);
        if (closed) {
          b.close();
          return;
        }
        try {
          queue.put(b);
        } catch (InterruptedException e) {
          b.close();
          return;
        }
        if (closed) {
          drain(); // close() may have drained before our put landed
          return;
        }
      }
      if (!closed) {
        queue.put(END);
      }
    } catch (InterruptedException e) {
      // close() interrupted us while posting END: nobody will read it
    } catch (Throwable t) {
      try {
        queue.put(new Failure(k, t));
      } catch (InterruptedException e) {
        // closed while reporting: nobody will read it
      }
    }
  }

  @Override
  public boolean hasNext() {
    if (finished || closed) {
      return false;
    }
    if (pending == null) {
      pending = take();
    }
    if (pending == END) {
      pending = null;
      finished = true;
      return false;
    }
    return true;
  }

  @Override
  public Batch next() {
    if (closed) {
      throw new IllegalStateException("BatchIterator over " + sourceName + " is closed");
    }
    if (!hasNext()) {
      throw new NoSuchElementException(
          "no batch " + next + " of " + sourceName + ": the dataset ends at batch " + end);
    }
    Object item = pending;
    pending = null;
    if (item instanceof Failure f) {
      finished = true;
      throw new IllegalStateException(
          "prefetch thread failed building batch "
              + f.index()
              + " of "
              + sourceName
              + ": "
              + f.cause(),
          f.cause());
    }
    next++;
    return (Batch) item;
  }

  private Object take() {
    try {
      while (true) {
        Object item = queue.poll(100, TimeUnit.MILLISECONDS);
        if (item != null) {
          return item;
        }
        if (closed) {
          throw new IllegalStateException(
              "BatchIterator over " + sourceName + " was closed while waiting");
        }
        if (!producer.isAlive()) {
          item = queue.poll();
          if (item != null) {
            return item;
          }
          throw new IllegalStateException(
              "prefetch thread for " + sourceName + " stopped without delivering batch " + next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for batch " + next + " of " + sourceName, e);
    }
  }

  @Override
  public long nextIndex() {
    return next;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    producer.interrupt();
    try {
      producer.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeItem(pending);
    pending = null;
    drain();
  }

  private void drain() {
    for (Object item; (item = queue.poll()) != null; ) {
      closeItem(item);
    }
  }

  private static void closeItem(Object item) {
    if (item instanceof Batch b) {
      b.close();
    }
  }
}
