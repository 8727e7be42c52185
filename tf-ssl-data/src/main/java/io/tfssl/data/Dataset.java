package io.tfssl.data;

import java.util.Objects;

/**
 * A tf.data-style input pipeline over an {@link ImageSource}: shuffle, batch, repeat and prefetch,
 * producing uint8 {@link Batch}es ready to feed to a TensorFlow session.
 *
 * <p>Each method returns a new immutable {@code Dataset}; the receiver is unchanged, so a
 * configured pipeline can be shared and iterated several times. Unlike tf.data, the order of the
 * calls does not matter: the pipeline is always source &rarr; shuffle &rarr; batch &rarr; repeat
 * &rarr; prefetch, which is the only order that makes sense for training (batches never straddle
 * epochs, every epoch is reshuffled). The images of a batch may be read on several threads ({@link
 * #parallelism(int)}), which changes nothing in the result.
 *
 * <p>Everything a batch contains is a pure function of its global index {@code k}: epoch {@code k /
 * batchesPerEpoch()}, position {@code k % batchesPerEpoch()} in that epoch's order. This is what
 * makes {@link #iterator(long)} resume exactly where a checkpoint left off.
 *
 * <pre>{@code
 * Dataset ds = Dataset.from(IdxSource.fashionMnist(Split.TRAIN))
 *         .shuffle(42).batch(256, true).repeat().prefetch(2);
 * try (BatchIterator it = ds.iterator(step)) {
 *     while (training) {
 *         try (Batch b = it.next()) { session.runner().feed("x", b.images())... }
 *     }
 * }
 * }</pre>
 */
public final class Dataset {

  private final ImageSource source;
  private final boolean shuffled;
  private final long seed;
  private final int batchSize;
  private final boolean dropRemainder;
  private final boolean repeated;
  private final int prefetchDepth;

  /**
   * Threads that read the images of one batch; 0 means "choose from the source" (see {@link
   * #parallelism()}).
   */
  private final int parallelism;

  /** This reader's slice of every global batch ({@link #shard}); 0 of 1 when not sharded. */
  private final int shardIndex;

  private final int shardCount;

  private Dataset(
      ImageSource source,
      boolean shuffled,
      long seed,
      int batchSize,
      boolean dropRemainder,
      boolean repeated,
      int prefetchDepth,
      int parallelism) {
    this(
        source,
        shuffled,
        seed,
        batchSize,
        dropRemainder,
        repeated,
        prefetchDepth,
        parallelism,
        0,
        1);
  }

  private Dataset(
      ImageSource source,
      boolean shuffled,
      long seed,
      int batchSize,
      boolean dropRemainder,
      boolean repeated,
      int prefetchDepth,
      int parallelism,
      int shardIndex,
      int shardCount) {
    this.shardIndex = shardIndex;
    this.shardCount = shardCount;
    this.source = source;
    this.shuffled = shuffled;
    this.seed = seed;
    this.batchSize = batchSize;
    this.dropRemainder = dropRemainder;
    this.repeated = repeated;
    this.prefetchDepth = prefetchDepth;
    this.parallelism = parallelism;
  }

  /**
   * Starts a pipeline over {@code source}: unshuffled, one epoch, no prefetch. Call {@link #batch}
   * before iterating.
   *
   * @param source the images; must hold at least one image
   * @return the pipeline
   * @throws IllegalArgumentException if the source is empty or has a non-positive dimension
   */
  public static Dataset from(ImageSource source) {
    Objects.requireNonNull(source, "source");
    if (source.size() <= 0) {
      throw new IllegalArgumentException(
          "source " + source.name() + " is empty (size " + source.size() + ")");
    }
    if (source.height() <= 0 || source.width() <= 0 || source.channels() <= 0) {
      throw new IllegalArgumentException(
          "source "
              + source.name()
              + " has invalid image shape "
              + source.height()
              + "x"
              + source.width()
              + "x"
              + source.channels());
    }
    return new Dataset(source, false, 0, 0, false, false, 0, 0);
  }

  /**
   * Visits each epoch in a uniformly random order: a full permutation of all indices, derived
   * deterministically from {@code (seed, epoch)}.
   *
   * <p>Why a full permutation instead of tf.data's shuffle buffer: a buffer exists for streaming
   * sources that cannot be accessed at random, and only approximates a uniform shuffle. Our sources
   * are in memory or random-access, so an exact uniform shuffle costs one int per image, and
   * because the order of epoch {@code e} depends only on {@code (seed, e)}, resuming at any batch
   * is O(1): no buffer state to save or replay.
   *
   * @param seed the shuffle seed; the same seed gives the same order in every run
   * @return the shuffled pipeline
   */
  public Dataset shuffle(long seed) {
    return new Dataset(
        source,
        true,
        seed,
        batchSize,
        dropRemainder,
        repeated,
        prefetchDepth,
        parallelism,
        shardIndex,
        shardCount);
  }

  /**
   * Groups consecutive images of an epoch into batches of {@code n}.
   *
   * @param n images per batch
   * @param dropRemainder if true, the last {@code size % n} images of each epoch are skipped so
   *     every batch has exactly {@code n} images (static shapes); if false, the last batch of an
   *     epoch may be smaller
   * @return the batched pipeline
   * @throws IllegalArgumentException if {@code n <= 0}, if {@code dropRemainder} and {@code n >
   *     size} (no batch would ever be produced), or if a batch would exceed 2 GB
   */
  public Dataset batch(int n, boolean dropRemainder) {
    if (n <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + n);
    }
    if (dropRemainder && n > source.size()) {
      throw new IllegalArgumentException(
          "batch size "
              + n
              + " exceeds the "
              + source.size()
              + " images of "
              + source.name()
              + " with dropRemainder=true: an epoch would have no batches");
    }
    if ((long) n * source.imageBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "batch size "
              + n
              + " with "
              + source.imageBytes()
              + "-byte images of "
              + source.name()
              + " exceeds 2 GB per batch");
    }
    return new Dataset(
        source,
        shuffled,
        seed,
        n,
        dropRemainder,
        repeated,
        prefetchDepth,
        parallelism,
        shardIndex,
        shardCount);
  }

  /**
   * Makes this pipeline one of {@code count} readers that together read each global batch: global
   * batch {@code k} holds {@code n * count} images (in the shuffled order shared by all readers,
   * since they use the same shuffle seed), and this reader's batch {@code k} is its {@code
   * index}-th slice of {@code n}. The readers' batches are disjoint and, concatenated in reader
   * order, are exactly the batch of an unsharded pipeline with batch size {@code n * count}. This
   * is how data-parallel workers split the data (as PyTorch's {@code DistributedSampler} does): no
   * reader reads another's images, and the global batch does not depend on how many readers there
   * are.
   *
   * <p>Needs {@code batch(n, true)}: an epoch has {@code size / (n * count)} batches, so every
   * reader has the same number of full batches.
   *
   * @param index this reader, {@code 0 <= index < count}
   * @param count the number of readers, {@code >= 1}
   * @return the sharded pipeline
   * @throws IllegalArgumentException if the index or count is out of range
   */
  public Dataset shard(int index, int count) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard index must be in [0, " + count + "), got " + index + " (count " + count + ")");
    }
    return new Dataset(
        source,
        shuffled,
        seed,
        batchSize,
        dropRemainder,
        repeated,
        prefetchDepth,
        parallelism,
        index,
        count);
  }

  /**
   * Makes the pipeline endless: epoch after epoch, each reshuffled if {@link #shuffle} was set.
   * Without it, iteration stops after one epoch.
   *
   * @return the repeating pipeline
   */
  public Dataset repeat() {
    return new Dataset(
        source,
        shuffled,
        seed,
        batchSize,
        dropRemainder,
        true,
        prefetchDepth,
        parallelism,
        shardIndex,
        shardCount);
  }

  /**
   * Builds up to {@code depth} batches ahead on a background daemon thread, so that copying images
   * overlaps with the training step. {@code 0} (the default) builds each batch inside {@code
   * next()}.
   *
   * @param depth the bound of the prefetch queue, {@code >= 0}
   * @return the prefetching pipeline
   * @throws IllegalArgumentException if {@code depth < 0}
   */
  public Dataset prefetch(int depth) {
    if (depth < 0) {
      throw new IllegalArgumentException("prefetch depth must be >= 0, got " + depth);
    }
    return new Dataset(
        source,
        shuffled,
        seed,
        batchSize,
        dropRemainder,
        repeated,
        depth,
        parallelism,
        shardIndex,
        shardCount);
  }

  /**
   * Reads the images of each batch on {@code threads} threads: the thread building the batch (the
   * prefetch thread, or the caller of {@code next()}) plus {@code threads - 1} pool threads owned
   * by the iterator and stopped by its {@code close()}. The batches are byte-for-byte the same for
   * any thread count, and a failing image is reported as with one thread (the earliest in the
   * batch).
   *
   * <p>Why: decoding a JPEG costs about a millisecond, so an {@link EncodedImageSource} (image
   * folders, TFRecord files) read on one thread starves the training step. By default such sources
   * use {@link Runtime#availableProcessors()} threads, and every other source (IDX and other
   * in-memory arrays, where reading an image is a short copy that a thread hand-off would only slow
   * down) uses 1. The source's {@code readImage} and {@code label} are then called concurrently,
   * which {@link ImageSource} requires implementations to allow. Combine with {@link #prefetch} so
   * decoding also overlaps the training step.
   *
   * @param threads threads per batch, {@code >= 1}; more than the batch size are not used
   * @return the pipeline with that parallelism
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public Dataset parallelism(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1 thread, got " + threads);
    }
    return new Dataset(
        source,
        shuffled,
        seed,
        batchSize,
        dropRemainder,
        repeated,
        prefetchDepth,
        threads,
        shardIndex,
        shardCount);
  }

  /**
   * The number of threads that read the images of a batch: the value given to {@link
   * #parallelism(int)}, else {@link Runtime#availableProcessors()} for an {@link
   * EncodedImageSource} and 1 for any other source. Iterators use at most the batch size.
   *
   * @return threads per batch, at least 1
   */
  public int parallelism() {
    if (parallelism > 0) {
      return parallelism;
    }
    return source instanceof EncodedImageSource ? Runtime.getRuntime().availableProcessors() : 1;
  }

  /**
   * The source this pipeline reads.
   *
   * @return the source
   */
  public ImageSource source() {
    return source;
  }

  /**
   * The number of batches in one epoch: {@code size / n} with dropRemainder, otherwise {@code
   * ceil(size / n)}.
   *
   * @return batches per epoch, at least 1
   * @throws IllegalStateException if {@link #batch} has not been called
   */
  public int batchesPerEpoch() {
    requireBatched();
    int size = source.size();
    if (shardCount > 1) {
      requireShardable();
      return size / (batchSize * shardCount);
    }
    return dropRemainder ? size / batchSize : (size + batchSize - 1) / batchSize;
  }

  private void requireShardable() {
    if (!dropRemainder) {
      throw new IllegalStateException(
          "a sharded Dataset needs batch(n, true): every reader must get full" + " batches");
    }
    if ((long) batchSize * shardCount > source.size()) {
      throw new IllegalArgumentException(
          "a global batch of "
              + shardCount
              + " x "
              + batchSize
              + " images exceeds the "
              + source.size()
              + " images of "
              + source.name());
    }
  }

  /**
   * Same as {@code iterator(0)}.
   *
   * @return an iterator from the first batch
   */
  public BatchIterator iterator() {
    return iterator(0);
  }

  /**
   * Iterates from global batch index {@code startBatch}: yields exactly the batches an
   * uninterrupted {@code iterator(0)} yields from its {@code startBatch}-th on (epoch {@code
   * startBatch / batchesPerEpoch()}), so training resumes bit-exactly from a saved step. Close the
   * iterator when done.
   *
   * @param startBatch the first global batch index to yield, {@code >= 0}; without {@link #repeat}
   *     at most {@link #batchesPerEpoch()} (which yields nothing)
   * @return the iterator; it owns a background thread if {@link #prefetch} depth is positive, and a
   *     pool of decoding threads if {@link #parallelism()} is above 1
   * @throws IllegalArgumentException if {@code startBatch} is negative or past the single epoch
   * @throws IllegalStateException if {@link #batch} has not been called
   */
  public BatchIterator iterator(long startBatch) {
    int perEpoch = batchesPerEpoch();
    if (startBatch < 0) {
      throw new IllegalArgumentException("startBatch must be >= 0, got " + startBatch);
    }
    if (!repeated && startBatch > perEpoch) {
      throw new IllegalArgumentException(
          "startBatch "
              + startBatch
              + " is past the single epoch of "
              + perEpoch
              + " batches of "
              + source.name()
              + "; call repeat() for endless epochs");
    }
    long end = repeated ? Long.MAX_VALUE : perEpoch;
    BatchAssembler assembler =
        new BatchAssembler(
            source, batchSize, perEpoch, shuffled, seed, parallelism(), shardIndex, shardCount);
    BatchIterator it =
        prefetchDepth > 0
            ? new PrefetchBatchIterator(assembler, source.name(), startBatch, end, prefetchDepth)
            : new DirectBatchIterator(assembler, source.name(), startBatch, end);
    return assembler.threads() > 1 ? new ClosingBatchIterator(it, assembler) : it;
  }

  private void requireBatched() {
    if (batchSize == 0) {
      throw new IllegalStateException(
          "call batch(n, dropRemainder) on the Dataset over "
              + source.name()
              + " before iterating");
    }
  }

  @Override
  public String toString() {
    return "Dataset["
        + source.name()
        + (shuffled ? ", shuffle(" + seed + ")" : "")
        + (batchSize > 0 ? ", batch(" + batchSize + ", " + dropRemainder + ")" : "")
        + (repeated ? ", repeat()" : "")
        + (prefetchDepth > 0 ? ", prefetch(" + prefetchDepth + ")" : "")
        + (parallelism > 0 ? ", parallelism(" + parallelism + ")" : "")
        + (shardCount > 1 ? ", shard(" + shardIndex + ", " + shardCount + ")" : "")
        + "]";
  }
}
