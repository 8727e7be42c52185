package io.tfssl.data;

import java.util.Arrays;

/**
 * The images of another source at the given indices, in that order: the labeled 1% / 10% of a
 * semi-supervised evaluation, or a held-out part of a training split. Reads go to the underlying
 * source, so it stays thread-safe if that one is.
 */
public final class SubsetSource implements ImageSource {
  private final ImageSource source;
  private final int[] indices;

  /**
   * @param indices positions in {@code source}, each in range (repeats allowed)
   * @throws IllegalArgumentException if an index is out of range
   */
  public SubsetSource(ImageSource source, int[] indices) {
    this.source = source;
    this.indices = indices.clone();
    for (int i : this.indices) {
      if (i < 0 || i >= source.size()) {
        throw new IllegalArgumentException(
            "index " + i + " outside " + source.name() + " (" + source.size() + " images)");
      }
    }
  }

  /** The underlying source. */
  public ImageSource source() {
    return source;
  }

  /** The positions in the underlying source. */
  public int[] indices() {
    return indices.clone();
  }

  @Override
  public String name() {
    return source.name() + " [" + indices.length + " of " + source.size() + "]";
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public int height() {
    return source.height();
  }

  @Override
  public int width() {
    return source.width();
  }

  @Override
  public int channels() {
    return source.channels();
  }

  @Override
  public void readImage(int index, byte[] dst, int offset) {
    source.readImage(indices[index], dst, offset);
  }

  @Override
  public int label(int index) {
    return source.label(indices[index]);
  }

  @Override
  public int numClasses() {
    return source.numClasses();
  }

  @Override
  public String toString() {
    return name() + " " + Arrays.toString(Arrays.copyOf(indices, Math.min(5, indices.length)));
  }
}
