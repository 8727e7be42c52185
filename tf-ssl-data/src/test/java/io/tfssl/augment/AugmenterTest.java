package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.data.Normalization;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

class AugmenterTest {

  /** Everything switched on with p in (0,1), so every select path is exercised. */
  private static final ViewPolicy ALL_ON =
      ViewPolicy.byolView1().toBuilder().blurProb(0.5f).solarizeProb(0.5f).build();

  private static TfHarness.Fetched viewOnce(
      ViewPolicy p,
      byte[] img,
      long[] shape,
      int outH,
      int outW,
      Normalization norm,
      long s0,
      long s1) {
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> ph = h.images(shape[1], shape[2], shape[3]);
      Placeholder<TInt64> seed = h.seed();
      Operand<TFloat32> out = Augmenter.view(h.tf, ph, seed, p, outH, outW, norm);
      return h.run(out, ph, img, shape, seed, s0, s1);
    }
  }

  @Test
  void sameSeedGivesSameOutputDifferentSeedDiffers() {
    long[] shape = {4, 12, 12, 3};
    byte[] img = TfHarness.randomBytes(4 * 12 * 12 * 3, 1);
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> ph = h.images(12, 12, 3);
      Placeholder<TInt64> seed = h.seed();
      Operand<TFloat32> out =
          Augmenter.view(h.tf, ph, seed, ALL_ON, 10, 10, Normalization.cifar10());
      float[] a = h.run(out, ph, img, shape, seed, 7, 42).data();
      float[] b = h.run(out, ph, img, shape, seed, 7, 42).data();
      float[] c = h.run(out, ph, img, shape, seed, 7, 43).data();
      float[] d = h.run(out, ph, img, shape, seed, 8, 42).data();
      assertArrayEquals(a, b, "same seed, same session");
      assertFalse(Arrays.equals(a, c), "different step seed");
      assertFalse(Arrays.equals(a, d), "different global seed");
      // a freshly built graph (as after a restart/resume) repeats the stream exactly
      float[] e = viewOnce(ALL_ON, img, shape, 10, 10, Normalization.cifar10(), 7, 42).data();
      assertArrayEquals(a, e, "same seed, new graph");
    }
  }

  @Test
  void outputShapeAndDtype() {
    long[] shape = {3, 10, 12, 3};
    byte[] img = TfHarness.randomBytes(3 * 10 * 12 * 3, 2);
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> ph = h.images(10, 12, 3);
      Placeholder<TInt64> seed = h.seed();
      Operand<TFloat32> out =
          Augmenter.view(h.tf, ph, seed, ViewPolicy.simclr(), 6, 5, Normalization.imagenet());
      assertArrayEquals(
          new long[] {-1, 6, 5, 3}, out.shape().asArray(), "static shape keeps dynamic N");
      try (TUint8 it = TfHarness.u8(img, shape);
          TInt64 st = TfHarness.seedTensor(1, 2);
          Result r = h.session().runner().feed(ph, it).feed(seed, st).fetch(out).run()) {
        Tensor t = r.get(0);
        assertTrue(t instanceof TFloat32);
        assertEquals(Shape.of(3, 6, 5, 3), t.shape());
      }
    }
  }

  @Test
  void grayscaleInputWorksWithEveryPreset() {
    long[] shape = {5, 28, 28, 1};
    byte[] img = TfHarness.randomBytes(5 * 28 * 28, 3);
    for (ViewPolicy p :
        new ViewPolicy[] {
          ViewPolicy.byolView1(),
          ViewPolicy.byolView2(),
          ViewPolicy.simsiam(),
          ViewPolicy.simclr(),
          ViewPolicy.none()
        }) {
      TfHarness.Fetched f = viewOnce(p, img, shape, 28, 28, Normalization.fashionMnist(), 3, 4);
      assertArrayEquals(new long[] {5, 28, 28, 1}, f.shape());
      for (float v : f.data()) {
        assertTrue(Float.isFinite(v));
      }
    }
  }

  @Test
  void noneWithIdentityNormalizationEqualsInputOver255() {
    for (long c : new long[] {1, 3}) {
      long[] shape = {3, 7, 9, c};
      byte[] img = TfHarness.randomBytes((int) (3 * 7 * 9 * c), 4);
      TfHarness.Fetched f =
          viewOnce(ViewPolicy.none(), img, shape, 7, 9, Normalization.identity(), 1, 1);
      assertArrayEquals(shape, f.shape());
      for (int i = 0; i < img.length; i++) {
        assertEquals(TfHarness.u(img[i]), f.data()[i], 1e-6f, "index " + i);
      }
    }
  }

  @Test
  void noneResizeIsAlignCornersBilinear() {
    int n = 2, hIn = 5, wIn = 6, c = 3, hOut = 9, wOut = 4;
    long[] shape = {n, hIn, wIn, c};
    byte[] img = TfHarness.randomBytes(n * hIn * wIn * c, 5);
    TfHarness.Fetched f =
        viewOnce(ViewPolicy.none(), img, shape, hOut, wOut, Normalization.identity(), 1, 1);
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < hOut; y++) {
        for (int x = 0; x < wOut; x++) {
          for (int ch = 0; ch < c; ch++) {
            float sy = y * (hIn - 1f) / (hOut - 1f);
            float sx = x * (wIn - 1f) / (wOut - 1f);
            int y0 = (int) Math.floor(sy), x0 = (int) Math.floor(sx);
            int y1 = Math.min(y0 + 1, hIn - 1), x1 = Math.min(x0 + 1, wIn - 1);
            float dy = sy - y0, dx = sx - x0;
            float top =
                px(img, shape, b, y0, x0, ch) * (1 - dx) + px(img, shape, b, y0, x1, ch) * dx;
            float bot =
                px(img, shape, b, y1, x0, ch) * (1 - dx) + px(img, shape, b, y1, x1, ch) * dx;
            assertEquals(top * (1 - dy) + bot * dy, f.at(b, y, x, ch), 1e-5f);
          }
        }
      }
    }
  }

  @Test
  void flipWithProbabilityOneMirrorsTheImage() {
    long[] shape = {3, 6, 7, 3};
    byte[] img = TfHarness.randomBytes(3 * 6 * 7 * 3, 6);
    ViewPolicy p = ViewPolicy.none().toBuilder().flipProb(1f).build();
    TfHarness.Fetched f = viewOnce(p, img, shape, 6, 7, Normalization.identity(), 9, 9);
    for (int b = 0; b < 3; b++) {
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 7; x++) {
          for (int ch = 0; ch < 3; ch++) {
            assertEquals(px(img, shape, b, y, 6 - x, ch), f.at(b, y, x, ch), 1e-6f);
          }
        }
      }
    }
  }

  @Test
  void flipWithHalfProbabilityFlipsSomeSamplesOnly() {
    int n = 32;
    long[] shape = {n, 4, 5, 1};
    byte[] img = TfHarness.randomBytes(n * 4 * 5, 7);
    ViewPolicy p = ViewPolicy.none().toBuilder().flipProb(0.5f).build();
    TfHarness.Fetched f = viewOnce(p, img, shape, 4, 5, Normalization.identity(), 1, 2);
    int flipped = 0;
    for (int b = 0; b < n; b++) {
      boolean same = true, mirrored = true;
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 5; x++) {
          float v = f.at(b, y, x, 0);
          same &= Math.abs(v - px(img, shape, b, y, x, 0)) < 1e-6f;
          mirrored &= Math.abs(v - px(img, shape, b, y, 4 - x, 0)) < 1e-6f;
        }
      }
      assertTrue(same || mirrored, "sample " + b + " is neither identity nor mirror");
      flipped += same ? 0 : 1;
    }
    assertTrue(flipped > 4 && flipped < n - 4, "flipped " + flipped + " of " + n);
  }

  @Test
  void solarizeWithProbabilityOneMatchesFormula() {
    long[] shape = {2, 5, 5, 3};
    byte[] img = TfHarness.randomBytes(2 * 5 * 5 * 3, 8);
    ViewPolicy p = ViewPolicy.none().toBuilder().solarizeProb(1f).solarizeThreshold(0.4f).build();
    TfHarness.Fetched f = viewOnce(p, img, shape, 5, 5, Normalization.identity(), 1, 1);
    for (int i = 0; i < img.length; i++) {
      float x = TfHarness.u(img[i]);
      assertEquals(x < 0.4f ? x : 1f - x, f.data()[i], 1e-6f);
    }
  }

  @Test
  void grayscaleWithProbabilityOneGivesEqualChannels() {
    long[] shape = {2, 4, 4, 3};
    byte[] img = TfHarness.randomBytes(2 * 4 * 4 * 3, 9);
    ViewPolicy p = ViewPolicy.none().toBuilder().grayscaleProb(1f).build();
    TfHarness.Fetched f = viewOnce(p, img, shape, 4, 4, Normalization.identity(), 1, 1);
    for (int b = 0; b < 2; b++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          float expect =
              0.2989f * px(img, shape, b, y, x, 0)
                  + 0.5870f * px(img, shape, b, y, x, 1)
                  + 0.1140f * px(img, shape, b, y, x, 2);
          for (int ch = 0; ch < 3; ch++) {
            assertEquals(f.at(b, y, x, 0), f.at(b, y, x, ch), 0f);
            assertEquals(expect, f.at(b, y, x, ch), 1e-5f);
          }
        }
      }
    }
  }

  @Test
  void jitterStaysInUnitRangeBeforeNormalization() {
    for (long c : new long[] {1, 3}) {
      int n = 16;
      long[] shape = {n, 8, 8, c};
      byte[] img = TfHarness.randomBytes((int) (n * 64 * c), 10);
      ViewPolicy p =
          ViewPolicy.none().toBuilder().jitterProb(1f).jitter(0.9f, 0.9f, 0.9f, 0.5f).build();
      TfHarness.Fetched f = viewOnce(p, img, shape, 8, 8, Normalization.identity(), 5, 6);
      int changed = 0;
      for (int i = 0; i < f.data().length; i++) {
        float v = f.data()[i];
        assertTrue(v >= 0f && v <= 1f, "value " + v);
        changed += Math.abs(v - TfHarness.u(img[i])) > 1e-4f ? 1 : 0;
      }
      assertTrue(changed > f.data().length / 2, "jitter changed only " + changed + " values");
    }
  }

  @Test
  void identicalImagesInOneBatchGetDifferentCrops() {
    int n = 4;
    long[] shape = {n, 16, 16, 1};
    byte[] one = TfHarness.randomBytes(16 * 16, 11);
    byte[] img = new byte[n * 16 * 16];
    for (int b = 0; b < n; b++) {
      System.arraycopy(one, 0, img, b * 256, 256);
    }
    ViewPolicy p =
        ViewPolicy.none().toBuilder().cropScale(0.08f, 1f).cropRatio(0.75f, 4f / 3f).build();
    TfHarness.Fetched f = viewOnce(p, img, shape, 8, 8, Normalization.identity(), 1, 2);
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        assertFalse(
            Arrays.equals(
                Arrays.copyOfRange(f.data(), a * 64, a * 64 + 64),
                Arrays.copyOfRange(f.data(), b * 64, b * 64 + 64)),
            "samples " + a + " and " + b);
      }
    }
  }

  @Test
  void outputHasNoGradientPathToTheInput() {
    try (TfHarness h = new TfHarness()) {
      Placeholder<TFloat32> xf =
          h.tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
      Operand<TUint8> u8 = h.tf.dtypes.cast(xf, TUint8.class);
      Operand<TFloat32> out =
          Augmenter.view(
              h.tf, u8, h.tf.constant(new long[] {1, 2}), ALL_ON, 8, 8, Normalization.cifar10());
      Operand<TFloat32> loss = h.tf.sum(out, h.tf.constant(new int[] {0, 1, 2, 3}));
      Output<?>[] grads = h.graph.addGradients(loss.asOutput(), new Output<?>[] {xf.asOutput()});
      assertEquals(1, grads.length);
      // TF Java wraps the C API's "no gradient" (a null TF_Operation) in an Output whose op has
      // no native handle; touching it throws IllegalStateException. Either that or zeros is fine.
      if (hasNativeOp(grads[0])) {
        float[] data = new float[2 * 8 * 8 * 3];
        Arrays.fill(data, 0.5f);
        try (TFloat32 x =
                TFloat32.tensorOf(Shape.of(2, 8, 8, 3), DataBuffers.of(data, true, false));
            Result r = h.session().runner().feed(xf, x).fetch(grads[0]).run()) {
          TFloat32 g = (TFloat32) r.get(0);
          float[] gd = new float[(int) g.shape().size()];
          g.copyTo(DataBuffers.of(gd, false, false));
          for (float v : gd) {
            assertEquals(0f, v);
          }
        }
      }
    }
  }

  @Test
  void rejectsUnknownSpatialShapeAndMismatchedNormalization() {
    try (TfHarness h = new TfHarness()) {
      Placeholder<TUint8> dyn =
          h.tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, 8, 3)));
      assertThrows(
          IllegalArgumentException.class,
          () ->
              Augmenter.view(
                  h.tf, dyn, h.seed(), ViewPolicy.none(), 4, 4, Normalization.identity()));
      Placeholder<TUint8> gray = h.images(8, 8, 1);
      assertThrows(
          IllegalArgumentException.class,
          () ->
              Augmenter.view(
                  h.tf, gray, h.seed(), ViewPolicy.none(), 4, 4, Normalization.cifar10()));
    }
  }

  @Test
  void normalizationIsAppliedLast() {
    long[] shape = {1, 3, 3, 3};
    byte[] img = TfHarness.randomBytes(27, 12);
    Normalization norm = Normalization.cifar10();
    TfHarness.Fetched f = viewOnce(ViewPolicy.none(), img, shape, 3, 3, norm, 0, 0);
    float[] m = norm.mean(), s = norm.std();
    for (int i = 0; i < 27; i++) {
      assertEquals((TfHarness.u(img[i]) - m[i % 3]) / s[i % 3], f.data()[i], 1e-5f);
    }
    assertNotNull(f);
  }

  private static boolean hasNativeOp(Output<?> o) {
    if (o == null) {
      return false;
    }
    try {
      o.dataType();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  static float px(byte[] img, long[] shape, int b, int y, int x, int c) {
    long i = ((b * shape[1] + y) * shape[2] + x) * shape[3] + c;
    return TfHarness.u(img[(int) i]);
  }
}
