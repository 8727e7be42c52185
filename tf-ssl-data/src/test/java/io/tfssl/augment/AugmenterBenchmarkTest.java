package io.tfssl.augment;

import io.tfssl.data.Normalization;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** Prints the cost of one view per training step (no timing assertions). */
class AugmenterBenchmarkTest {

  private static void bench(String name, int n, int side, int c, ViewPolicy p, Normalization norm) {
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> ph = h.images(side, side, c);
      Placeholder<TInt64> seed = h.seed();
      Operand<TFloat32> out = Augmenter.view(h.tf, ph, seed, p, side, side, norm);
      byte[] img = TfHarness.randomBytes(n * side * side * c, 21);
      Session s = h.session();
      int warm = 3, iters = 20;
      double[] ms = new double[iters];
      try (TUint8 it = TfHarness.u8(img, n, side, side, c)) {
        for (int i = 0; i < warm + iters; i++) {
          long t0 = System.nanoTime();
          try (TInt64 st = TfHarness.seedTensor(1, i);
              Result r = s.runner().feed(ph, it).feed(seed, st).fetch(out).run()) {
            r.get(0);
          }
          if (i >= warm) {
            ms[i - warm] = (System.nanoTime() - t0) / 1e6;
          }
        }
      }
      Arrays.sort(ms);
      // min and median: the machine is shared, so the mean is mostly noise
      System.out.printf(Locale.ROOT,
          "[augment bench] %-24s batch %3d %dx%dx%d: min %.2f ms, median %.2f ms per call%n",
          name, n, side, side, c, ms[0], ms[iters / 2]);
    }
  }

  @Test
  void printCostPerCall() {
    bench("byolView1 fashion-mnist", 256, 28, 1, ViewPolicy.byolView1(), Normalization.fashionMnist());
    bench("byolView2 fashion-mnist", 256, 28, 1, ViewPolicy.byolView2(), Normalization.fashionMnist());
    bench("byolView1 cifar10", 64, 32, 3, ViewPolicy.byolView1(), Normalization.cifar10());
    bench("byolView2 cifar10", 64, 32, 3, ViewPolicy.byolView2(), Normalization.cifar10());
    bench("none cifar10", 64, 32, 3, ViewPolicy.none(), Normalization.cifar10());
  }
}
