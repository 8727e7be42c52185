package io.tfssl.features;

import java.util.Objects;

/**
 * Frozen features of a labelled set: {@code data} is row-major {@code [count, dim]}, {@code
 * labels[i]} is the class of row {@code i}, in {@code [0, numClasses)}.
 *
 * <p>The arrays are held as given (no copy); a record over arrays compares by identity, so use
 * {@link #row} and the accessors, not {@code equals}, to compare contents. Every helper returns a
 * new instance and leaves this one untouched.
 */
public record Features(float[] data, int count, int dim, int[] labels, int numClasses) {

  /**
   * Checks the shapes and the label range.
   *
   * @throws IllegalArgumentException if {@code count < 0}, {@code dim < 1}, {@code numClasses < 1},
   *     {@code data.length != count * dim}, {@code labels.length != count} or a label is out of
   *     {@code [0, numClasses)}
   */
  public Features {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(labels, "labels");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1: " + dim);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1: " + numClasses);
    }
    if ((long) count * dim != data.length) {
      throw new IllegalArgumentException(
          "data has "
              + data.length
              + " floats but count x dim = "
              + count
              + " x "
              + dim
              + " = "
              + ((long) count * dim));
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries but count = " + count);
    }
    for (int i = 0; i < count; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label of row " + i + " is " + labels[i] + ", outside [0, " + numClasses + ")");
      }
    }
  }

  /** A copy of row {@code i} ({@code dim} floats). */
  public float[] row(int i) {
    Objects.checkIndex(i, count);
    float[] out = new float[dim];
    System.arraycopy(data, i * dim, out, 0, dim);
    return out;
  }

  /**
   * The rows {@code indices} (in that order, repeats allowed) with their labels, as a new set with
   * the same {@code dim} and {@code numClasses}.
   *
   * @throws IndexOutOfBoundsException if an index is outside {@code [0, count)}
   */
  public Features subset(int[] indices) {
    float[] d = new float[indices.length * dim];
    int[] l = new int[indices.length];
    for (int j = 0; j < indices.length; j++) {
      int i = Objects.checkIndex(indices[j], count);
      System.arraycopy(data, i * dim, d, j * dim, dim);
      l[j] = labels[i];
    }
    return new Features(d, indices.length, dim, l, numClasses);
  }

  /**
   * Every row divided by its Euclidean norm (rows of norm below 1e-12 are divided by 1e-12, so a
   * zero row stays zero), as the cosine-similarity kNN monitor expects (Wu et al. 2018, §3.4).
   */
  public Features l2Normalized() {
    float[] d = new float[data.length];
    for (int i = 0; i < count; i++) {
      int off = i * dim;
      double sq = 0;
      for (int j = 0; j < dim; j++) {
        sq += (double) data[off + j] * data[off + j];
      }
      double inv = 1.0 / Math.max(Math.sqrt(sq), 1e-12);
      for (int j = 0; j < dim; j++) {
        d[off + j] = (float) (data[off + j] * inv);
      }
    }
    return new Features(d, count, dim, labels, numClasses);
  }

  /**
   * Per-dimension statistics of this set, to standardize this and other sets with; see {@link
   * Standardizer}.
   */
  public Standardizer standardizer() {
    return Standardizer.fit(this);
  }
}
