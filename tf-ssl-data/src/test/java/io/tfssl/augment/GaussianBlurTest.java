package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.data.Normalization;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

class GaussianBlurTest {

  @Test
  void kernelRadiusFollowsByol() {
    assertEquals(1, GaussianBlur.kernelRadius(28, 0.1f)); // 3x3
    assertEquals(1, GaussianBlur.kernelRadius(32, 0.1f));
    assertEquals(4, GaussianBlur.kernelRadius(96, 0.1f)); // 9x9
    assertEquals(11, GaussianBlur.kernelRadius(224, 0.1f)); // 23x23
    assertEquals(1, GaussianBlur.kernelRadius(4, 0.1f)); // never below 3x3
    assertEquals(2, GaussianBlur.kernelRadius(5, 1f));
  }

  private static TfHarness.Fetched blur(byte[] img, long[] shape, ViewPolicy p, long s1) {
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> ph = h.images(shape[1], shape[2], shape[3]);
      Placeholder<TInt64> seed = h.seed();
      Operand<TFloat32> out =
          Augmenter.view(
              h.tf, ph, seed, p, (int) shape[1], (int) shape[2], Normalization.identity());
      return h.run(out, ph, img, shape, seed, 1, s1);
    }
  }

  @Test
  void constantImageStaysConstant() {
    long[] shape = {3, 10, 10, 3};
    byte[] img = new byte[3 * 300];
    Arrays.fill(img, (byte) 200);
    ViewPolicy p =
        ViewPolicy.none().toBuilder()
            .blurProb(1f)
            .blurSigma(0.5f, 3f)
            .blurKernelFraction(0.6f)
            .build();
    for (float v : blur(img, shape, p, 3).data()) {
      assertEquals(200f / 255f, v, 1e-5f);
    }
  }

  @Test
  void blurReducesNoiseVariance() {
    long[] shape = {4, 16, 16, 1};
    byte[] img = TfHarness.randomBytes(4 * 256, 13);
    ViewPolicy p =
        ViewPolicy.none().toBuilder()
            .blurProb(1f)
            .blurSigma(1f, 2f)
            .blurKernelFraction(0.4f)
            .build();
    float[] out = blur(img, shape, p, 4).data();
    for (int s = 0; s < 4; s++) {
      double vin = variance(img, s * 256, 256);
      double vout = variance(out, s * 256, 256);
      assertTrue(vout < 0.5 * vin, "sample " + s + ": " + vout + " vs " + vin);
    }
  }

  /**
   * With a fixed sigma and p = 0.5, blurred samples must equal a Java reflect-padded separable
   * reference and the others must be untouched; this checks the [N,H,W,C] -> [1,H,W,N*C] layout (no
   * mixing of samples or channels).
   */
  @Test
  void depthwiseLayoutMatchesJavaReferencePerSampleAndChannel() {
    int n = 12, hh = 9, ww = 7, c = 3;
    long[] shape = {n, hh, ww, c};
    byte[] img = TfHarness.randomBytes(n * hh * ww * c, 14);
    float sigma = 1.3f;
    float frac = 0.5f;
    ViewPolicy p =
        ViewPolicy.none().toBuilder()
            .blurProb(0.5f)
            .blurSigma(sigma, sigma)
            .blurKernelFraction(frac)
            .build();
    TfHarness.Fetched f = blur(img, shape, p, 5);
    int r = Math.min(GaussianBlur.kernelRadius(hh, frac), GaussianBlur.kernelRadius(ww, frac));
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int j = -r; j <= r; j++) {
      k[j + r] = Math.exp(-j * j / (2.0 * sigma * sigma));
      sum += k[j + r];
    }
    for (int j = 0; j < k.length; j++) {
      k[j] /= sum;
    }
    int blurred = 0;
    for (int b = 0; b < n; b++) {
      boolean identity = true;
      for (int y = 0; y < hh; y++) {
        for (int x = 0; x < ww; x++) {
          for (int ch = 0; ch < c; ch++) {
            identity &=
                Math.abs(f.at(b, y, x, ch) - AugmenterTest.px(img, shape, b, y, x, ch)) <= 1e-6f;
          }
        }
      }
      if (identity) {
        continue;
      }
      blurred++;
      for (int y = 0; y < hh; y++) {
        for (int x = 0; x < ww; x++) {
          for (int ch = 0; ch < c; ch++) {
            double acc = 0;
            for (int dy = -r; dy <= r; dy++) {
              for (int dx = -r; dx <= r; dx++) {
                acc +=
                    k[dy + r]
                        * k[dx + r]
                        * AugmenterTest.px(
                            img, shape, b, reflect(y + dy, hh), reflect(x + dx, ww), ch);
              }
            }
            assertEquals(
                acc, f.at(b, y, x, ch), 1e-5, "b=" + b + " y=" + y + " x=" + x + " c=" + ch);
          }
        }
      }
    }
    assertTrue(blurred > 2 && blurred < n - 2, "blurred " + blurred + " of " + n);
  }

  /** Edge cases of the partition path: no sample chosen, and a batch of one. */
  @Test
  void lowProbabilityWithNoChosenSampleIsIdentity() {
    long[] shape = {2, 6, 6, 3};
    byte[] img = TfHarness.randomBytes(2 * 108, 15);
    ViewPolicy p = ViewPolicy.none().toBuilder().blurProb(1e-6f).build();
    float[] out = blur(img, shape, p, 6).data();
    for (int i = 0; i < img.length; i++) {
      assertEquals(TfHarness.u(img[i]), out[i], 1e-6f);
    }
    long[] one = {1, 6, 6, 1};
    ViewPolicy half = ViewPolicy.none().toBuilder().blurProb(0.5f).build();
    for (long s = 0; s < 6; s++) { // some of these seeds blur the single sample, some don't
      assertEquals(36, blur(TfHarness.randomBytes(36, 16), one, half, s).data().length);
    }
  }

  private static int reflect(int i, int size) {
    if (i < 0) {
      return -i;
    }
    if (i >= size) {
      return 2 * size - 2 - i;
    }
    return i;
  }

  private static double variance(byte[] b, int off, int len) {
    double[] d = new double[len];
    for (int i = 0; i < len; i++) {
      d[i] = TfHarness.u(b[off + i]);
    }
    return variance(d);
  }

  private static double variance(float[] f, int off, int len) {
    double[] d = new double[len];
    for (int i = 0; i < len; i++) {
      d[i] = f[off + i];
    }
    return variance(d);
  }

  private static double variance(double[] d) {
    double m = Arrays.stream(d).average().orElse(0);
    return Arrays.stream(d).map(v -> (v - m) * (v - m)).average().orElse(0);
  }
}
