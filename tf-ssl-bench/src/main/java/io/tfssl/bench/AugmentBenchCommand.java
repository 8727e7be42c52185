package io.tfssl.bench;

import io.tfssl.augment.Augmenter;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.cli.UsageException;
import io.tfssl.data.Normalization;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tfssl bench augment}: the cost of one augmented view per training step, alone in its
 * graph, for BYOL's two view policies on Fashion-MNIST and CIFAR shapes (and no augmentation, the
 * floor). It was a unit test that printed timings; timings belong here, not in the tests.
 */
@Command(
    name = "augment",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times one augmented view (random resized crop, flip, color jitter, blur,"
          + " solarize, normalization; in the graph, on one fixed batch of random bytes) for BYOL's"
          + " view 1 and view 2 on 28x28x1 (batch 256) and 32x32x3 (batch 64), and no augmentation;"
          + " prints the minimum and median ms per call."
    },
    footer = {"", "Example:", "  tfssl bench augment --iterations 50"})
public final class AugmentBenchCommand implements Callable<Integer> {
  @Option(
      names = "--iterations",
      paramLabel = "N",
      defaultValue = "20",
      description = "Timed calls per configuration (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      defaultValue = "3",
      description = "Untimed calls first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() {
    if (iterations < 1 || warmup < 0) {
      throw new UsageException(
          "--iterations must be positive and --warmup not negative, got "
              + iterations
              + " and "
              + warmup);
    }
    System.out.printf("machine: %d cores, %s%n", Machine.cores(), Machine.cpuModel());
    bench(
        "byolView1 fashion-mnist",
        256,
        28,
        1,
        ViewPolicy.byolView1(),
        Normalization.fashionMnist());
    bench(
        "byolView2 fashion-mnist",
        256,
        28,
        1,
        ViewPolicy.byolView2(),
        Normalization.fashionMnist());
    bench("byolView1 cifar10", 64, 32, 3, ViewPolicy.byolView1(), Normalization.cifar10());
    bench("byolView2 cifar10", 64, 32, 3, ViewPolicy.byolView2(), Normalization.cifar10());
    bench("none cifar10", 64, 32, 3, ViewPolicy.none(), Normalization.cifar10());
    return 0;
  }

  private void bench(String name, int n, int side, int c, ViewPolicy policy, Normalization norm) {
    byte[] pixels = new byte[n * side * side * c];
    new Random(21).nextBytes(pixels);
    double[] ms = new double[iterations];
    try (Graph g = new Graph();
        Session s = new Session(g);
        TUint8 images =
            TUint8.tensorOf(Shape.of(n, side, side, c), DataBuffers.of(pixels, true, false))) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> in =
          tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, side, side, c)));
      Placeholder<TInt64> seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      Operand<TFloat32> view = Augmenter.view(tf, in, seed, policy, side, side, norm);
      for (int i = 0; i < warmup + iterations; i++) {
        long t0 = System.nanoTime();
        // A new seed every call, as every training step has.
        try (TInt64 st = TInt64.vectorOf(1, i);
            Result r = s.runner().feed(in, images).feed(seed, st).fetch(view).run()) {
          r.get(0);
        }
        if (i >= warmup) {
          ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    // Minimum and median: the machine may be shared, and the mean is mostly that noise.
    System.out.printf(
        Locale.ROOT,
        "%-24s batch %3d %dx%dx%d: min %.2f ms, median %.2f ms" + " per call%n",
        name,
        n,
        side,
        side,
        c,
        ms[0],
        ms[iterations / 2]);
  }
}
