package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

class RandomResizedCropTest {

  @Test
  void boxesLieInsideTheImageWithRequestedScaleAndRatio() {
    int n = 2000;
    float smin = 0.08f, smax = 1f, rmin = 0.75f, rmax = 4f / 3f;
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> boxes =
          RandomResizedCrop.boxes(
              h.tf, h.tf.constant(new long[] {3, 4}), h.tf.constant(n), smin, smax, rmin, rmax);
      float[] b = h.run(boxes, Map.of()).data();
      double areaSum = 0;
      int clipped = 0;
      for (int i = 0; i < n; i++) {
        float y1 = b[4 * i], x1 = b[4 * i + 1], y2 = b[4 * i + 2], x2 = b[4 * i + 3];
        assertTrue(y1 >= 0f && x1 >= 0f && y2 <= 1f && x2 <= 1f && y1 < y2 && x1 < x2, "box " + i);
        float hh = y2 - y1, ww = x2 - x1, area = hh * ww, ratio = ww / hh;
        areaSum += area;
        assertTrue(area <= smax + 1e-5f, "area " + area);
        if (hh >= 1f - 1e-6f || ww >= 1f - 1e-6f) {
          clipped++; // a side was clipped: area and ratio shrink toward the image
        } else {
          assertTrue(area >= smin - 1e-5f, "area " + area);
          assertTrue(ratio >= rmin - 1e-4f && ratio <= rmax + 1e-4f, "ratio " + ratio);
        }
      }
      double meanArea = areaSum / n;
      // without clipping E[s] = 0.54; clipping lowers it slightly
      assertTrue(meanArea > 0.45 && meanArea < 0.56, "mean area " + meanArea);
      assertTrue(clipped < n / 4, "clipped " + clipped);
    }
  }

  @Test
  void fullScaleAndRatioGiveTheWholeImage() {
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> boxes =
          RandomResizedCrop.boxes(
              h.tf, h.tf.constant(new long[] {3, 4}), h.tf.constant(5), 1f, 1f, 1f, 1f);
      float[] b = h.run(boxes, Map.of()).data();
      for (int i = 0; i < 5; i++) {
        assertEquals(0f, b[4 * i]);
        assertEquals(0f, b[4 * i + 1]);
        assertEquals(1f, b[4 * i + 2]);
        assertEquals(1f, b[4 * i + 3]);
      }
    }
  }

  /**
   * The augmenter casts the uint8 batch to float before the crop (CropAndResize has no GPU kernel
   * for uint8). The crop of the cast batch must equal, bit for bit, the crop of the uint8 batch
   * that the augmenter used to take: TF's CPU kernel converts each uint8 pixel to float before
   * interpolating, and uint8 to float is exact. Oracle: the uint8 crop itself, same boxes (same
   * seed), in the same graph.
   */
  @Test
  void cropOfTheCastBatchIsBitIdenticalToTheCropOfTheUint8Batch() {
    int n = 16, side = 28, c = 3;
    byte[] img = new byte[n * side * side * c];
    new Random(7).nextBytes(img);
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> images = h.images(side, side, c);
      Placeholder<TInt64> seed = h.seed();
      // smaller and larger outputs than the input: down- and up-sampling, random boxes
      for (int out : new int[] {14, 28, 40}) {
        Operand<TFloat32> fromUint8 =
            RandomResizedCrop.apply(h.tf, images, seed, 0.08f, 1f, 0.75f, 4f / 3f, out, out);
        Operand<TFloat32> fromFloat =
            RandomResizedCrop.apply(
                h.tf,
                h.tf.dtypes.cast(images, TFloat32.class),
                seed,
                0.08f,
                1f,
                0.75f,
                4f / 3f,
                out,
                out);
        float[] a =
            h.run(fromUint8, images, img, new long[] {n, side, side, c}, seed, 11, 12).data();
        float[] b =
            h.run(fromFloat, images, img, new long[] {n, side, side, c}, seed, 11, 12).data();
        assertEquals(n * out * out * c, a.length);
        int fractional = 0;
        for (int i = 0; i < a.length; i++) {
          assertEquals(
              Float.floatToRawIntBits(a[i]),
              Float.floatToRawIntBits(b[i]),
              "output " + out + ", value " + i + ": " + a[i] + " vs " + b[i]);
          fractional += a[i] != Math.rint(a[i]) ? 1 : 0;
        }
        // the comparison means something only if the crops interpolate between pixels
        assertTrue(fractional > a.length / 2, "interpolated values: " + fractional);
      }
    }
  }
}
