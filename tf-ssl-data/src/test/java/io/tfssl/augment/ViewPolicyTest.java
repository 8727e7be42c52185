package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ViewPolicyTest {

  @Test
  void byolPresetsMatchThePaper() {
    ViewPolicy v1 = ViewPolicy.byolView1();
    assertEquals(0.08f, v1.cropScaleMin());
    assertEquals(1f, v1.cropScaleMax());
    assertEquals(0.75f, v1.cropRatioMin());
    assertEquals(4f / 3f, v1.cropRatioMax());
    assertEquals(0.5f, v1.flipProb());
    assertEquals(0.8f, v1.jitterProb());
    assertEquals(0.4f, v1.brightness());
    assertEquals(0.4f, v1.contrast());
    assertEquals(0.2f, v1.saturation());
    assertEquals(0.1f, v1.hue());
    assertEquals(0.2f, v1.grayscaleProb());
    assertEquals(1f, v1.blurProb());
    assertEquals(0.1f, v1.blurSigmaMin());
    assertEquals(2f, v1.blurSigmaMax());
    assertEquals(0.1f, v1.blurKernelFraction());
    assertEquals(0f, v1.solarizeProb());
    assertEquals(0.5f, v1.solarizeThreshold());

    ViewPolicy v2 = ViewPolicy.byolView2();
    assertEquals(0.1f, v2.blurProb());
    assertEquals(0.2f, v2.solarizeProb());
    assertEquals(v1, v2.toBuilder().blurProb(1f).solarizeProb(0f).build());
  }

  @Test
  void simsiamAndSimclrPresets() {
    ViewPolicy s = ViewPolicy.simsiam();
    assertEquals(0.2f, s.cropScaleMin());
    assertEquals(0.4f, s.saturation());
    assertEquals(0.5f, s.blurProb());
    assertEquals(0f, s.solarizeProb());
    ViewPolicy c = ViewPolicy.simclr();
    assertEquals(0.08f, c.cropScaleMin());
    assertEquals(0.8f, c.brightness());
    assertEquals(0.2f, c.hue());
    assertEquals(0.5f, c.blurProb());
  }

  @Test
  void noneIsIdentity() {
    ViewPolicy n = ViewPolicy.none();
    assertTrue(n.isFullCrop());
    assertEquals(
        0f, n.flipProb() + n.jitterProb() + n.grayscaleProb() + n.blurProb() + n.solarizeProb());
    assertFalse(ViewPolicy.byolView1().isFullCrop());
  }

  @Test
  void builderRoundTripAndValidation() {
    ViewPolicy p = ViewPolicy.simclr();
    assertEquals(p, p.toBuilder().build());
    assertThrows(
        IllegalArgumentException.class, () -> ViewPolicy.builder().cropScale(0f, 1f).build());
    assertThrows(
        IllegalArgumentException.class, () -> ViewPolicy.builder().cropScale(0.5f, 0.4f).build());
    assertThrows(IllegalArgumentException.class, () -> ViewPolicy.builder().flipProb(1.5f).build());
    assertThrows(IllegalArgumentException.class, () -> ViewPolicy.builder().hue(0.6f).build());
    assertThrows(IllegalArgumentException.class, () -> ViewPolicy.builder().contrast(1.2f).build());
    assertThrows(
        IllegalArgumentException.class, () -> ViewPolicy.builder().blurSigma(0f, 1f).build());
    assertThrows(
        IllegalArgumentException.class, () -> ViewPolicy.builder().blurKernelFraction(0f).build());
  }
}
