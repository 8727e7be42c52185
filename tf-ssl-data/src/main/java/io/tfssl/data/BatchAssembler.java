package io.tfssl.data;

import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;

/**
 * Builds batch {@code k} of a dataset from nothing but {@code k}: the epoch and position follow
 * from {@code k}, the image order from {@link EpochOrder}.
 *
 * <p>The hot loop is one {@code readImage} per image into a reused scratch array and one bulk copy
 * of that array into the tensor; no per-pixel work happens in Java. For an in-memory source {@code
 * readImage} is a {@code System.arraycopy}; for an {@link EncodedImageSource} it decodes a file,
 * about a millisecond, so with {@code threads > 1} the images of one batch are read by the calling
 * thread plus {@code threads - 1} pool threads. Each image still goes to its own slot of the
 * scratch array, so the batch is byte-for-byte what one thread builds; if several images fail, the
 * one earliest in the batch is reported, again as one thread would.
 *
 * <p>Not thread-safe (the scratch array and the epoch order are per-iterator state). With {@code
 * threads > 1} it owns a thread pool: {@link #close()} it when the iterator is done. The pool's
 * daemon threads also exit after {@value #IDLE_SECONDS} s without work, so an iterator that is
 * never closed leaks no threads for long.
 */
final class BatchAssembler implements AutoCloseable {

  /** Name prefix of the decoding pool threads, so tests and thread dumps can find them. */
  static final String THREAD_PREFIX = "tfssl-decode-";

  static final int IDLE_SECONDS = 30;

  private static final AtomicLong POOL_IDS = new AtomicLong();
  private static final long CLOSE_MILLIS = 5_000;

  private final ImageSource source;
  private final EncodedImageSource encoded;
  private final int batchSize;
  private final int batchesPerEpoch;
  private final EpochOrder order;
  private final byte[] scratch;
  private final int threads;
  private final ThreadPoolExecutor pool;
  private final int shardIndex;
  private final int shardCount;

  BatchAssembler(
      ImageSource source, int batchSize, int batchesPerEpoch, boolean shuffled, long seed) {
    this(source, batchSize, batchesPerEpoch, shuffled, seed, 1);
  }

  /** As above, reading the images of a batch on {@code threads} threads (the caller's included). */
  BatchAssembler(
      ImageSource source,
      int batchSize,
      int batchesPerEpoch,
      boolean shuffled,
      long seed,
      int threads) {
    this(source, batchSize, batchesPerEpoch, shuffled, seed, threads, 0, 1);
  }

  /**
   * As above, building only slice {@code shardIndex} of {@code shardCount} of every global batch of
   * {@code batchSize * shardCount} images (see {@link Dataset#shard}).
   */
  BatchAssembler(
      ImageSource source,
      int batchSize,
      int batchesPerEpoch,
      boolean shuffled,
      long seed,
      int threads,
      int shardIndex,
      int shardCount) {
    this.shardIndex = shardIndex;
    this.shardCount = shardCount;
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.source = source;
    this.encoded = source instanceof EncodedImageSource e ? e : null;
    this.batchSize = batchSize;
    this.batchesPerEpoch = batchesPerEpoch;
    this.order = new EpochOrder(source.size(), shuffled, seed);
    this.scratch = new byte[Math.multiplyExact(batchSize, source.imageBytes())];
    this.threads = Math.min(threads, batchSize);
    this.pool = this.threads > 1 ? newPool(this.threads - 1, source.name()) : null;
  }

  private static ThreadPoolExecutor newPool(int size, String sourceName) {
    String prefix = THREAD_PREFIX + POOL_IDS.incrementAndGet() + "-";
    AtomicInteger ids = new AtomicInteger();
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            size,
            size,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, prefix + ids.incrementAndGet() + "-" + sourceName);
              t.setDaemon(true);
              return t;
            });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  /** The number of threads that read the images of one batch, the caller's included. */
  int threads() {
    return threads;
  }

  /** Builds global batch {@code k}; the caller owns (and must close) the result. */
  Batch assemble(long k) {
    int epoch = Math.toIntExact(k / batchesPerEpoch);
    int first = ((int) (k % batchesPerEpoch) * shardCount + shardIndex) * batchSize;
    int n = Math.min(batchSize, source.size() - first);
    int imageBytes = source.imageBytes();
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      indices[i] = order.indexAt(epoch, first + i);
    }
    int[] labels = new int[n];
    if (pool == null || n == 1) {
      for (int i = 0; i < n; i++) {
        labels[i] = read(indices[i], i * imageBytes);
      }
    } else {
      readParallel(k, indices, labels, imageBytes);
    }
    Shape shape = Shape.of(n, source.height(), source.width(), source.channels());
    TUint8 images =
        TUint8.tensorOf(shape, DataBuffers.of(scratch, true, false).narrow((long) n * imageBytes));
    return new Batch(k, epoch, images, labels, indices);
  }

  /** Reads one image into the scratch array at {@code offset} and returns its label. */
  private int read(int index, int offset) {
    if (encoded != null) {
      return encoded.readImageAndLabel(index, scratch, offset); // one file read for both
    }
    source.readImage(index, scratch, offset);
    return source.label(index);
  }

  /**
   * Fills slots {@code 0..n-1}: workers take the next free slot until none is left. A failed slot
   * stops only the slots after it, so every slot before the earliest failure is still read, which
   * makes the reported failure the same as with one thread.
   */
  private void readParallel(long k, int[] indices, int[] labels, int imageBytes) {
    int n = indices.length;
    AtomicInteger nextSlot = new AtomicInteger();
    AtomicInteger firstFailure = new AtomicInteger(Integer.MAX_VALUE);
    Throwable[] errors = new Throwable[n];
    Runnable worker =
        () -> {
          for (int i; (i = nextSlot.getAndIncrement()) < n; ) {
            if (i > firstFailure.get()) {
              return;
            }
            try {
              labels[i] = read(indices[i], i * imageBytes);
            } catch (Throwable t) {
              errors[i] = t;
              firstFailure.accumulateAndGet(i, Math::min);
            }
          }
        };
    int helpers = Math.min(threads - 1, n - 1);
    Future<?>[] futures = new Future<?>[helpers];
    boolean interrupted = false;
    try {
      for (int h = 0; h < helpers; h++) {
        futures[h] = pool.submit(worker);
      }
      worker.run();
    } finally {
      // Wait for every helper even on failure: they write into the scratch array, which
      // the next batch reuses. An interrupt (close() of a prefetching iterator) stops the
      // helpers after their current image instead.
      for (Future<?> f : futures) {
        while (f != null) {
          try {
            f.get();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
            firstFailure.set(-1);
            nextSlot.set(n);
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.CancellationException e) {
            break; // cannot happen: the worker catches everything
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (interrupted) {
      throw new IllegalStateException(
          "interrupted while reading batch " + k + " of " + source.name());
    }
    int failed = firstFailure.get();
    if (failed != Integer.MAX_VALUE) {
      Throwable t = errors[failed];
      if (t instanceof RuntimeException re) {
        throw re;
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(t);
    }
  }

  /** Stops the pool threads (waiting for them to finish their current image); idempotent. */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    pool.shutdown();
    try {
      pool.awaitTermination(CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
