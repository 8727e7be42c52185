package io.tfssl.eval;

import io.tfssl.features.Features;
import java.util.Random;

/** Synthetic feature sets for the evaluation tests. */
final class EvalTestData {
  private EvalTestData() {}

  /**
   * Balanced labels (i mod C, then shuffled) and features {@code signal * e_label + N(0, noise^2)}
   * in {@code dim >= numClasses} dimensions, plus a per-dimension offset and scale so that
   * standardization has work to do. With signal / noise large the classes are linearly separable.
   */
  static Features oneHotPlusNoise(
      int count, int dim, int numClasses, double signal, double noise, long seed) {
    Random r = new Random(seed);
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % numClasses;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    Random dims = new Random(12345); // offsets/scales shared by every set built with these dims
    double[] offset = new double[dim];
    double[] scale = new double[dim];
    for (int j = 0; j < dim; j++) {
      offset[j] = 3 * dims.nextGaussian();
      scale[j] = 0.5 + 2 * dims.nextDouble();
    }
    float[] data = new float[count * dim];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < dim; j++) {
        double v = noise * r.nextGaussian() + (j == labels[i] ? signal : 0.0);
        data[i * dim + j] = (float) (offset[j] + scale[j] * v);
      }
    }
    return new Features(data, count, dim, labels, numClasses);
  }

  /** The same features with labels drawn uniformly at random, independent of the features. */
  static Features randomLabels(Features f, long seed) {
    Random r = new Random(seed);
    int[] labels = new int[f.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextInt(f.numClasses());
    }
    return new Features(f.data(), f.count(), f.dim(), labels, f.numClasses());
  }

  /** Standard normal features with uniform random labels. */
  static Features gaussian(int count, int dim, int numClasses, long seed) {
    Random r = new Random(seed);
    float[] data = new float[count * dim];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) r.nextGaussian();
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = r.nextInt(numClasses);
    }
    return new Features(data, count, dim, labels, numClasses);
  }
}
