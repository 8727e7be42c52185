package io.tfssl.features;

import java.util.Objects;

/**
 * Per-dimension mean and standard deviation computed on one set (the training features) and applied
 * to any other: {@code x'[j] = (x[j] - mean[j]) / std[j]}.
 *
 * <p>This is exactly the extra batch-norm layer without affine parameters that SimSiam (Chen &amp;
 * He 2021, App. D) and MoCo v3 (Chen, Xie &amp; He 2021) put before the linear classifier: on
 * frozen features its running statistics converge to the training set's mean and (biased) variance,
 * and at test time it applies those fixed statistics. Computing them once in Java is the same map
 * without the noise of running averages. The standard deviation is floored at {@link #MIN_STD} so
 * that a constant dimension maps to 0 instead of dividing by zero.
 *
 * @param mean per-dimension mean, {@code dim} entries
 * @param std per-dimension population standard deviation (divide by N, as BN does), at least {@link
 *     #MIN_STD}
 */
public record Standardizer(float[] mean, float[] std) {
  /** Floor of the standard deviation. */
  public static final double MIN_STD = 1e-6;

  /**
   * Checks that both arrays have the same positive length and that every std is at least {@link
   * #MIN_STD}.
   */
  public Standardizer {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException(
          "mean and std need the same positive length, got " + mean.length + " and " + std.length);
    }
    for (int j = 0; j < std.length; j++) {
      if (!(std[j] >= (float) MIN_STD)) {
        throw new IllegalArgumentException("std[" + j + "] = " + std[j] + " is below " + MIN_STD);
      }
    }
  }

  /**
   * Statistics of {@code f} in double precision.
   *
   * @throws IllegalArgumentException if {@code f} has no rows
   */
  public static Standardizer fit(Features f) {
    if (f.count() == 0) {
      throw new IllegalArgumentException("cannot compute statistics of an empty set");
    }
    int d = f.dim();
    float[] x = f.data();
    double[] sum = new double[d];
    for (int i = 0; i < f.count(); i++) {
      int off = i * d;
      for (int j = 0; j < d; j++) {
        sum[j] += x[off + j];
      }
    }
    double[] mu = new double[d];
    for (int j = 0; j < d; j++) {
      mu[j] = sum[j] / f.count();
    }
    double[] sq = new double[d];
    for (int i = 0; i < f.count(); i++) {
      int off = i * d;
      for (int j = 0; j < d; j++) {
        double c = x[off + j] - mu[j];
        sq[j] += c * c;
      }
    }
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      mean[j] = (float) mu[j];
      std[j] = (float) Math.max(Math.sqrt(sq[j] / f.count()), MIN_STD);
    }
    return new Standardizer(mean, std);
  }

  /** The number of dimensions. */
  public int dim() {
    return mean.length;
  }

  /**
   * {@code f} standardized with these statistics (labels shared, data copied).
   *
   * @throws IllegalArgumentException if {@code f.dim()} differs from {@link #dim()}
   */
  public Features apply(Features f) {
    if (f.dim() != dim()) {
      throw new IllegalArgumentException(
          "features have dim " + f.dim() + " but the statistics have dim " + dim());
    }
    int d = dim();
    float[] inv = new float[d];
    for (int j = 0; j < d; j++) {
      inv[j] = 1f / std[j];
    }
    float[] x = f.data();
    float[] out = new float[x.length];
    for (int i = 0; i < f.count(); i++) {
      int off = i * d;
      for (int j = 0; j < d; j++) {
        out[off + j] = (x[off + j] - mean[j]) * inv[j];
      }
    }
    return new Features(out, f.count(), d, f.labels(), f.numClasses());
  }
}
