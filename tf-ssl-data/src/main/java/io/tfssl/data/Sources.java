package io.tfssl.data;

/**
 * Closing sources: file-backed ones (STL-10, folders, TFRecords) hold open files and decoder
 * sessions and are {@link AutoCloseable}; in-memory ones (IDX, CIFAR) hold nothing. A {@link
 * SubsetSource} closes the source it selects from.
 */
public final class Sources {
  private Sources() {}

  /** Closes {@code source} if it holds resources; problems are thrown. */
  public static void close(ImageSource source) throws Exception {
    ImageSource s = source instanceof SubsetSource subset ? subset.source() : source;
    if (s instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /** Closes {@code source} if it holds resources, ignoring failures (read-only files). */
  public static void closeQuietly(ImageSource source) {
    try {
      close(source);
    } catch (Exception ignored) {
      // Sources only read: nothing is lost when closing one fails.
    }
  }
}
