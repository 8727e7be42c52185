package io.tfssl.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An {@link ImageSource} whose images are stored encoded (JPEG, PNG) in files and decoded to one
 * fixed size on every read: the common half of {@link ImageFolderSource} and {@link
 * TfRecordSource}.
 *
 * <p>Decoding costs about a millisecond per image, a thousand times an in-memory copy, which is why
 * {@link Dataset} decodes the images of a batch on several threads for these sources (see {@link
 * Dataset#parallelism(int)}). All reads are safe from any number of threads at once: every call
 * opens its own file handle (with non-interruptible {@code java.io}, so that interrupting one
 * reader, as closing a prefetching iterator does, cannot close a handle another reader uses), and
 * decoders come from a pool, one per concurrent reader, reused across calls and threads.
 *
 * <h2>Bad images</h2>
 *
 * By default an image that cannot be read or decoded throws a {@link DataFormatException} naming
 * the file (and, for TFRecord files, the record index and byte offset). With {@link
 * Builder#skipBadImages(boolean) skipBadImages}, a bad image {@code i} is instead replaced by the
 * <em>next good image in index order</em> ({@code i+1}, {@code i+2}, ..., wrapping around), and
 * {@link #label(int)} returns that image's label, so the pixels and the label always belong
 * together. The replacement depends only on the files, never on timing or threads, so batches stay
 * deterministic. Each bad image is counted once however often it is read; {@link #badImages()}
 * lists them for the end-of-run report. Why not a zero image with label -1: a -1 label makes a
 * supervised loss fail, and a black image is an outlier the model would learn from.
 *
 * <p>Close the source to free the pooled decoders (native TensorFlow sessions).
 */
public abstract sealed class EncodedImageSource implements ImageSource, AutoCloseable
    permits ImageFolderSource, TfRecordSource {

  /** One stored image before decoding: its bytes, its label, and where it came from. */
  record Encoded(byte[] bytes, int label, Path file, String location) {}

  private final int height;
  private final int width;
  private final int channels;
  private final ImageDecoder.Fit fit;
  private final boolean skipBadImages;
  private final ConcurrentLinkedDeque<ImageDecoder> idleDecoders = new ConcurrentLinkedDeque<>();

  /** Bad image index to its error message, sorted for reporting. */
  private final ConcurrentSkipListMap<Integer, String> bad = new ConcurrentSkipListMap<>();

  /** Bad image index to the good image that replaces it. */
  private final Map<Integer, Integer> replacement = new ConcurrentHashMap<>();

  /** One bit per image: decoded successfully at least once (only kept with skipBadImages). */
  private final AtomicLongArray verified;

  private volatile boolean closed;

  /** Takes the options of {@code options}; {@code size} is what {@link #size()} will return. */
  EncodedImageSource(Builder<?, ?> options, int size) {
    options.checkComplete();
    this.height = options.height;
    this.width = options.width;
    this.channels = options.channels;
    this.fit = options.fit;
    this.skipBadImages = options.skipBadImages;
    this.verified = skipBadImages ? new AtomicLongArray((size + 63) / 64) : null;
  }

  /**
   * Reads the stored bytes and label of image {@code index}, without decoding; the label need not
   * be range-checked (the caller does that with {@link #checkLabel}).
   *
   * @throws DataFormatException naming the file (and record) if it cannot be read
   */
  abstract Encoded fetch(int index);

  /**
   * The label stored for {@code index} (-1 if unlabeled), range-checked, as cheaply as the format
   * allows.
   */
  abstract int storedLabel(int index);

  /** The file or folder this source was opened from, for errors about the whole source. */
  abstract Path origin();

  @Override
  public final int height() {
    return height;
  }

  @Override
  public final int width() {
    return width;
  }

  @Override
  public final int channels() {
    return channels;
  }

  /**
   * How images with another aspect ratio are fitted to {@code height x width}.
   *
   * @return the fit
   */
  public final ImageDecoder.Fit fit() {
    return fit;
  }

  /**
   * Whether bad images are replaced (true) or fail the read (false, the default).
   *
   * @return the setting
   */
  public final boolean skipBadImages() {
    return skipBadImages;
  }

  /**
   * Decodes image {@code index} to {@code height() x width() x channels()}.
   *
   * @throws DataFormatException naming the file (and record) if the image cannot be read or decoded
   *     and {@code skipBadImages} is off, or if no image of the source can be decoded
   */
  @Override
  public final void readImage(int index, byte[] dst, int offset) {
    readImageAndLabel(index, dst, offset);
  }

  /**
   * The label of the image {@link #readImage} delivers for {@code index}. Without {@code
   * skipBadImages} that is the stored label, read without decoding. With it, an image not yet known
   * to be good is decoded once to find out whether it is replaced.
   */
  @Override
  public final int label(int index) {
    Objects.checkIndex(index, size());
    if (numClasses() == 0) {
      return -1;
    }
    if (!skipBadImages) {
      return storedLabel(index);
    }
    Integer good = replacement.get(index);
    if (good != null) {
      return storedLabel(good);
    }
    if (isVerified(index)) {
      return storedLabel(index);
    }
    return readImageAndLabel(index, new byte[imageBytes()], 0);
  }

  /**
   * Decodes image {@code index} into {@code dst} and returns its label, reading the file once: what
   * {@link BatchAssembler} calls instead of {@code readImage} plus {@code label}.
   */
  final int readImageAndLabel(int index, byte[] dst, int offset) {
    Objects.checkIndex(index, size());
    Objects.checkFromIndexSize(offset, imageBytes(), dst.length);
    if (closed) {
      throw new IllegalStateException("image source " + name() + " is closed");
    }
    Encoded e;
    Integer good = skipBadImages ? replacement.get(index) : null;
    if (good != null) {
      e = decodeInto(good, dst, offset);
    } else {
      try {
        e = decodeInto(index, dst, offset);
      } catch (DataFormatException ex) {
        if (!skipBadImages) {
          throw ex;
        }
        bad.putIfAbsent(index, ex.getMessage());
        e = replace(index, dst, offset);
      }
    }
    // outside the catch: a label out of range is a configuration error, never a bad image
    return checkLabel(e.label(), e.file(), e.location());
  }

  /**
   * Returns {@code label} if it lies in {@code [0, numClasses())} (or the source is unlabeled),
   * else throws naming the file and location.
   */
  final int checkLabel(int label, Path file, String location) {
    int k = numClasses();
    if (k > 0 && (label < 0 || label >= k)) {
      throw new DataFormatException(
          file,
          (location == null ? "" : location + ": ")
              + "label "
              + label
              + " is outside [0, "
              + k
              + ")"
              + labelHint());
    }
    return label;
  }

  /** Appended to the error about a label out of range, to suggest the likely fix. */
  String labelHint() {
    return "";
  }

  /** Finds, caches and decodes the first good image after bad image {@code index}. */
  private Encoded replace(int index, byte[] dst, int offset) {
    int n = size();
    for (int step = 1; step < n; step++) {
      int j = (index + step) % n;
      if (bad.containsKey(j)) {
        continue;
      }
      try {
        Encoded e = decodeInto(j, dst, offset);
        replacement.put(index, j);
        return e;
      } catch (DataFormatException e) {
        bad.putIfAbsent(j, e.getMessage());
      }
    }
    throw new DataFormatException(
        origin(),
        "none of the "
            + n
            + " images of "
            + name()
            + " can be decoded; first error: "
            + bad.firstEntry().getValue());
  }

  /** Reads and decodes image {@code index} into {@code dst}; returns what was read. */
  private Encoded decodeInto(int index, byte[] dst, int offset) {
    Encoded e = fetch(index);
    ImageDecoder decoder = borrow();
    try {
      decoder.decode(e.bytes(), dst, offset, e.file(), e.location());
    } finally {
      giveBack(decoder);
    }
    if (verified != null) {
      markVerified(index);
    }
    return e;
  }

  private ImageDecoder borrow() {
    ImageDecoder d = idleDecoders.pollFirst();
    return d != null ? d : new ImageDecoder(height, width, channels, fit);
  }

  private void giveBack(ImageDecoder d) {
    idleDecoders.offerFirst(d);
    if (closed) {
      closeIdleDecoders(); // close() ran while we decoded: it could not see this one
    }
  }

  private boolean isVerified(int index) {
    return (verified.get(index >>> 6) & (1L << index)) != 0;
  }

  private void markVerified(int index) {
    long bit = 1L << index;
    int word = index >>> 6;
    long old;
    while (((old = verified.get(word)) & bit) == 0
        && !verified.compareAndSet(word, old, old | bit)) {
      // retry
    }
  }

  /**
   * How many distinct bad images have been met so far (always 0 without {@code skipBadImages},
   * where the first one throws). Images are only known to be bad once read, so after one full epoch
   * this is the count for the whole source.
   *
   * @return the number of bad images seen
   */
  public final int badImageCount() {
    return bad.size();
  }

  /**
   * Whether image {@code index} has been met and found bad (so that reads deliver another image in
   * its place); always false without {@code skipBadImages}.
   *
   * @param index the image index
   * @return true once the image has failed to read
   */
  public final boolean isBadImage(int index) {
    return bad.containsKey(index);
  }

  /**
   * The bad images met so far, in index order, each as its error message (which starts with the
   * file and, for TFRecord files, names the record and byte offset).
   *
   * @return an immutable snapshot
   */
  public final List<String> badImages() {
    return List.copyOf(new ArrayList<>(bad.values()));
  }

  /**
   * Closes the pooled decoders; reads after this throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    closeIdleDecoders();
  }

  private void closeIdleDecoders() {
    for (ImageDecoder d; (d = idleDecoders.pollFirst()) != null; ) {
      d.close();
    }
  }

  /**
   * Options shared by the encoded sources: the target shape, the aspect-ratio fit and the bad-image
   * policy.
   *
   * @param <S> the source type built
   * @param <B> the concrete builder type, returned by every setter for chaining
   */
  public abstract static sealed class Builder<S extends EncodedImageSource, B extends Builder<S, B>>
      permits ImageFolderSource.Builder, TfRecordSource.Builder {

    int height;
    int width;
    int channels = 3;
    ImageDecoder.Fit fit = ImageDecoder.Fit.CENTER_CROP;
    boolean skipBadImages;

    Builder() {}

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /**
     * The size every image is decoded to; required (stored images differ in size, and a batch
     * tensor needs one shape).
     *
     * @param height target height in pixels
     * @param width target width in pixels
     * @return this builder
     * @throws IllegalArgumentException if a dimension is not positive
     */
    public B size(int height, int width) {
      ImageDecoder.checkShape(height, width, channels);
      this.height = height;
      this.width = width;
      return self();
    }

    /**
     * The channel count: 3 (RGB, the default) or 1 (grayscale); images are converted.
     *
     * @param channels 1 or 3
     * @return this builder
     * @throws IllegalArgumentException for any other count
     */
    public B channels(int channels) {
      ImageDecoder.checkShape(1, 1, channels);
      this.channels = channels;
      return self();
    }

    /**
     * How to fit images with another aspect ratio; default {@link ImageDecoder.Fit#CENTER_CROP}.
     *
     * @param fit the fit
     * @return this builder
     */
    public B fit(ImageDecoder.Fit fit) {
      this.fit = Objects.requireNonNull(fit, "fit");
      return self();
    }

    /**
     * Whether to replace undecodable images by the next good one and count them (see {@link
     * EncodedImageSource}) instead of failing; default false.
     *
     * @param skip true to skip bad images
     * @return this builder
     */
    public B skipBadImages(boolean skip) {
      this.skipBadImages = skip;
      return self();
    }

    void checkComplete() {
      if (height == 0) {
        throw new IllegalStateException(
            "call size(height, width) before build(): images are decoded to one fixed size");
      }
    }

    /**
     * Lists or indexes the files and builds the source.
     *
     * @return the source; close it when done
     * @throws DataFormatException naming the folder or file if it is missing, holds no image, or is
     *     malformed
     */
    public abstract S build();
  }
}
