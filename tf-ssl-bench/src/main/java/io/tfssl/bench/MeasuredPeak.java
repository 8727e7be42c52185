package io.tfssl.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The FP32 throughput this machine actually reaches: the median time of a large square MatMul in
 * TensorFlow on every core, as 2·n³ FLOP per product.
 *
 * <p>Why measure it: {@link CpuPeak}'s formula uses the nominal {@code cpu MHz}, and cores that
 * boost past it make a measured training step read more than 100% of "peak" (196 GFLOP/s was
 * measured on a 2-core EPYC whose nominal figure is 166). A dense GEMM is the best case of the same
 * library the training step runs on (oneDNN/Eigen kernels, same thread pools), so a step's share of
 * it says how far the step is from what TensorFlow can do here, not from a datasheet.
 *
 * @param n matrix side
 * @param runs timed products
 * @param medianSeconds median time of one product
 * @param bestSeconds fastest product
 */
public record MeasuredPeak(int n, int runs, double medianSeconds, double bestSeconds) {
  /** The size used by the benchmarks: 2·2048³ = 17 GFLOP per product, about 0.1 s here. */
  public static final int DEFAULT_N = 2048;

  /** FLOP of one n×n by n×n product (a multiply-add counts two). */
  public double flopsPerProduct() {
    return 2.0 * n * n * (double) n;
  }

  /** GFLOP/s at the median product time: the figure the throughput table divides by. */
  public double gflops() {
    return flopsPerProduct() / medianSeconds / 1e9;
  }

  /** GFLOP/s of the fastest product. */
  public double bestGflops() {
    return flopsPerProduct() / bestSeconds / 1e9;
  }

  /** {@code n}×{@code n} MatMul, {@code warmup} untimed then {@code runs} timed, all cores. */
  public static MeasuredPeak measure(int n, int warmup, int runs) {
    if (n < 1 || warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("n and runs must be positive, warmup not negative");
    }
    try (Graph g = new Graph();
        Session s = new Session(g, io.tfssl.compute.SessionConfigs.training(0))) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> product = gemm(tf, randomMatrix(n, 1), randomMatrix(n, 2), n);
      // Fetch one scalar, not the n×n product: copying 16 MB to the JVM would be timed too.
      Operand<TFloat32> checksum = tf.reduceSum(product, tf.constant(new int[] {0, 1}));
      double[] seconds = new double[runs];
      for (int i = -warmup; i < runs; i++) {
        long t0 = System.nanoTime();
        try (Result r = s.runner().fetch(checksum).run()) {
          if (i >= 0) {
            seconds[i] = (System.nanoTime() - t0) / 1e9;
          }
        }
      }
      Arrays.sort(seconds);
      double median =
          runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
      return new MeasuredPeak(n, runs, median, seconds[0]);
    }
  }

  /** The measured product, built from two row-major n×n matrices (package-private for tests). */
  static Operand<TFloat32> gemm(Ops tf, float[] a, float[] b, int n) {
    return tf.linalg.matMul(matrix(tf, a, n), matrix(tf, b, n));
  }

  /**
   * A variable, not a constant: Grappler folds a MatMul of two constants into a constant once, and
   * every later run would time nothing (a first version measured 141 TFLOP/s on 2 cores).
   */
  static Operand<TFloat32> matrix(Ops tf, float[] values, int n) {
    return tf.variable(tf.constant(Shape.of(n, n), DataBuffers.of(values, true, false)));
  }

  /** Uniform in [-1, 1): denormals and zeros would make some CPUs' FMAs slower or faster. */
  static float[] randomMatrix(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] m = new float[n * n];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) (2 * r.nextDouble() - 1);
    }
    return m;
  }

  /** One line for results files. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%.0f GFLOP/s (median of %d TensorFlow MatMuls %dx%d x"
            + " %dx%d on all cores, 2n^3 FLOP each; fastest %.0f GFLOP/s)",
        gflops(),
        runs,
        n,
        n,
        n,
        n,
        bestGflops());
  }
}
