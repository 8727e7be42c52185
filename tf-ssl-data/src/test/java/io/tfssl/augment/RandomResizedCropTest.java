package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

class RandomResizedCropTest {

  @Test
  void boxesLieInsideTheImageWithRequestedScaleAndRatio() {
    int n = 2000;
    float smin = 0.08f, smax = 1f, rmin = 0.75f, rmax = 4f / 3f;
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> boxes = RandomResizedCrop.boxes(h.tf, h.tf.constant(new long[] {3, 4}),
          h.tf.constant(n), smin, smax, rmin, rmax);
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
      Operand<TFloat32> boxes = RandomResizedCrop.boxes(h.tf, h.tf.constant(new long[] {3, 4}),
          h.tf.constant(5), 1f, 1f, 1f, 1f);
      float[] b = h.run(boxes, Map.of()).data();
      for (int i = 0; i < 5; i++) {
        assertEquals(0f, b[4 * i]);
        assertEquals(0f, b[4 * i + 1]);
        assertEquals(1f, b[4 * i + 2]);
        assertEquals(1f, b[4 * i + 3]);
      }
    }
  }
}
