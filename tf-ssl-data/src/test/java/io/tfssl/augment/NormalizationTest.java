package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tfssl.data.Normalization;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

class NormalizationTest {

  @Test
  void presets() {
    assertArrayEquals(new float[] {0.2860f}, Normalization.fashionMnist().mean());
    assertArrayEquals(new float[] {0.3530f}, Normalization.fashionMnist().std());
    assertArrayEquals(new float[] {0.1307f}, Normalization.mnist().mean());
    assertArrayEquals(new float[] {0.3081f}, Normalization.mnist().std());
    assertEquals(3, Normalization.cifar10().channels());
    assertEquals(3, Normalization.imagenet().channels());
    assertEquals(Normalization.mnist(), Normalization.of(0.1307f, 0.3081f));
    assertNotEquals(Normalization.mnist(), Normalization.fashionMnist());
  }

  @Test
  void validation() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Normalization(new float[] {0f}, new float[] {0f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Normalization(new float[] {0f, 0f}, new float[] {1f}));
    float[] m = {0.5f};
    Normalization n = new Normalization(m, new float[] {1f});
    m[0] = 9f; // defensive copy
    assertEquals(0.5f, n.mean()[0]);
  }

  @Test
  void appliesPerChannel() {
    Normalization norm = Normalization.imagenet();
    try (TfHarness h = new TfHarness()) {
      Operand<TFloat32> x = h.tf.constant(new float[][] {{0f, 0.5f, 1f}, {0.2f, 0.4f, 0.6f}});
      float[] out = h.run(norm.apply(h.tf, x), Map.of()).data();
      float[] in = {0f, 0.5f, 1f, 0.2f, 0.4f, 0.6f};
      for (int i = 0; i < 6; i++) {
        assertEquals((in[i] - norm.mean()[i % 3]) / norm.std()[i % 3], out[i], 1e-5f);
      }
    }
  }
}
