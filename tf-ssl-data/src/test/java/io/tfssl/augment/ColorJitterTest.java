package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class ColorJitterTest {

  /** Two RGB images 4x4 in [0,1], with a few gray and black pixels. */
  private static float[] rgbData() {
    float[] d = new float[2 * 4 * 4 * 3];
    Random r = new Random(3);
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextFloat();
    }
    for (int c = 0; c < 3; c++) {
      d[c] = 0f; // black pixel
      d[3 + c] = 0.5f; // gray pixel
      d[6 + c] = 1f; // white pixel
    }
    d[9] = 1f; // saturated colour pixel: (1, x, 0)
    d[11] = 0f;
    return d;
  }

  private static Operand<TFloat32> constant(TfHarness h, float[] d, long... shape) {
    return h.tf.constant(Shape.of(shape), DataBuffers.of(d, true, false));
  }

  private static float[] run(TfHarness h, Operand<TFloat32> x) {
    return h.run(x, Map.of()).data();
  }

  private static float[] slice(float[] d, int sample) {
    return Arrays.copyOfRange(d, sample * 48, sample * 48 + 48);
  }

  @Test
  void saturationMatchesTensorFlowHsvImplementationPerSample() {
    float[] d = rgbData();
    float[] factors = {0.3f, 1.7f};
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> x = constant(h, d, 2, 4, 4, 3);
      Operand<TFloat32> f = constant(h, factors, 2, 1, 1, 1);
      float[] mine = run(h, ColorJitter.adjustSaturation(h.tf, x, f));
      for (int s = 0; s < 2; s++) {
        Operand<TFloat32> xs = constant(h, slice(d, s), 4, 4, 3);
        float[] ref = run(h, h.tf.image.adjustSaturation(xs, h.tf.constant(factors[s])));
        assertArrayEquals(ref, slice(mine, s), 2e-6f, "sample " + s);
      }
    }
  }

  @Test
  void hueMatchesTensorFlowAdjustHuePerSample() {
    float[] d = rgbData();
    float[] deltas = {0.1f, -0.35f};
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> x = constant(h, d, 2, 4, 4, 3);
      float[] mine = run(h, ColorJitter.adjustHue(h.tf, x, constant(h, deltas, 2, 1, 1, 1)));
      for (int s = 0; s < 2; s++) {
        Operand<TFloat32> xs = constant(h, slice(d, s), 4, 4, 3);
        float[] ref = run(h, h.tf.image.adjustHue(xs, h.tf.constant(deltas[s])));
        assertArrayEquals(ref, slice(mine, s), 1e-5f, "sample " + s);
      }
    }
  }

  @Test
  void contrastMatchesTensorFlowAdjustContrastPerSample() {
    float[] d = rgbData();
    float[] factors = {0.6f, 1.4f};
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> x = constant(h, d, 2, 4, 4, 3);
      float[] mine = run(h, ColorJitter.adjustContrast(h.tf, x, constant(h, factors, 2, 1, 1, 1)));
      for (int s = 0; s < 2; s++) {
        Operand<TFloat32> xs = constant(h, slice(d, s), 4, 4, 3);
        float[] ref = run(h, h.tf.image.adjustContrast(xs, h.tf.constant(factors[s])));
        assertArrayEquals(ref, slice(mine, s), 1e-5f, "sample " + s);
      }
    }
  }

  @Test
  void randomOrderGivesAPermutationPerRowAndAllOrdersOccur() {
    int n = 512, k = 4;
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> keys =
          h.tf.random.statelessRandomUniform(
              h.tf.constant(new int[] {n, k}), h.tf.constant(new long[] {5, 6}), TFloat32.class);
      Operand<TInt32> order = ColorJitter.randomOrder(h.tf, keys, k);
      try (Result r = h.session().runner().fetch(order).run()) {
        TInt32 t = (TInt32) r.get(0);
        int[] o = new int[n * k];
        t.copyTo(DataBuffers.of(o, false, false));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
          int[] row = Arrays.copyOfRange(o, i * k, i * k + k);
          int[] sorted = row.clone();
          Arrays.sort(sorted);
          assertArrayEquals(new int[] {0, 1, 2, 3}, sorted, "row " + i);
          seen.add(Arrays.toString(row));
        }
        assertEquals(24, seen.size(), "all 4! orders should occur in 512 rows");
      }
    }
  }

  @Test
  void jitterProbabilityIsPerSample() {
    int n = 40;
    float[] d = new float[n * 4 * 4 * 3];
    Random r = new Random(4);
    for (int i = 0; i < d.length; i++) {
      d[i] = 0.2f + 0.6f * r.nextFloat();
    }
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> x = constant(h, d, n, 4, 4, 3);
      float[] out =
          run(
              h,
              ColorJitter.apply(
                  h.tf, x, h.tf.constant(new long[] {1, 2}), 0.5f, 0.4f, 0.4f, 0.2f, 0.1f));
      int untouched = 0;
      for (int s = 0; s < n; s++) {
        boolean same = true;
        for (int i = s * 48; i < s * 48 + 48; i++) {
          same &= out[i] == d[i];
        }
        untouched += same ? 1 : 0;
      }
      assertTrue(untouched > 8 && untouched < n - 8, "untouched " + untouched + " of " + n);
    }
  }

  @Test
  void singleChannelUsesOnlyBrightnessAndContrast() {
    // a constant gray image: contrast is a no-op, so the output is clip(x + delta), constant per
    // sample
    int n = 8;
    float[] d = new float[n * 5 * 5];
    Arrays.fill(d, 0.5f);
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> x = constant(h, d, n, 5, 5, 1);
      float[] out =
          run(
              h,
              ColorJitter.apply(
                  h.tf, x, h.tf.constant(new long[] {1, 2}), 1f, 0.3f, 0.4f, 0.9f, 0.5f));
      Set<Float> values = new HashSet<>();
      for (int s = 0; s < n; s++) {
        for (int i = s * 25; i < s * 25 + 25; i++) {
          assertEquals(out[s * 25], out[i], 1e-6f);
        }
        assertTrue(Math.abs(out[s * 25] - 0.5f) <= 0.3f + 1e-6f);
        values.add(out[s * 25]);
      }
      assertTrue(values.size() > n / 2, "per-sample brightness deltas");
    }
  }
}
