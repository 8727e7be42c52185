package io.tfssl.augment;

/**
 * The knobs of one augmented "view", as used by BYOL / SimSiam / SimCLR.
 *
 * <p>All probabilities are per sample. Colour strengths follow the torchvision / BYOL convention:
 * brightness delta ~ U[-brightness, brightness] (additive, as in BYOL's code), contrast and
 * saturation factors ~ U[1-c, 1+c], hue shift ~ U[-hue, hue] (in turns of the colour wheel).
 *
 * <p><b>Single-channel images:</b> saturation, hue and grayscale are no-ops for images with one
 * channel (they are defined on RGB), so the same policy can be used for MNIST-like data; only
 * brightness and contrast jitter remain (still in a random order). The ops are chosen automatically
 * from the static channel count, so no separate "grayscale" presets are needed.
 *
 * @param cropScaleMin smallest area fraction of the random resized crop (0, 1]
 * @param cropScaleMax largest area fraction of the random resized crop (0, 1]
 * @param cropRatioMin smallest aspect ratio w/h of the crop (&gt; 0)
 * @param cropRatioMax largest aspect ratio w/h of the crop
 * @param flipProb probability of a horizontal flip
 * @param jitterProb probability of applying colour jitter (all four stages together)
 * @param brightness max additive brightness delta (&ge; 0)
 * @param contrast contrast factor range, factor ~ U[1-contrast, 1+contrast], in [0, 1]
 * @param saturation saturation factor range, in [0, 1]
 * @param hue max hue shift in turns, in [0, 0.5]
 * @param grayscaleProb probability of converting to grayscale (after jitter)
 * @param blurProb probability of a Gaussian blur
 * @param blurSigmaMin smallest blur sigma in output pixels (&gt; 0)
 * @param blurSigmaMax largest blur sigma in output pixels
 * @param blurKernelFraction kernel size as a fraction of the output height (BYOL: 1/10); the kernel
 *     radius is {@code max(1, floor(fraction * outH / 2))}, size {@code 2*radius+1}
 * @param solarizeProb probability of solarisation
 * @param solarizeThreshold pixels {@code >= threshold} become {@code 1 - x}
 */
public record ViewPolicy(
    float cropScaleMin,
    float cropScaleMax,
    float cropRatioMin,
    float cropRatioMax,
    float flipProb,
    float jitterProb,
    float brightness,
    float contrast,
    float saturation,
    float hue,
    float grayscaleProb,
    float blurProb,
    float blurSigmaMin,
    float blurSigmaMax,
    float blurKernelFraction,
    float solarizeProb,
    float solarizeThreshold) {

  public ViewPolicy {
    check(
        cropScaleMin > 0f && cropScaleMin <= cropScaleMax && cropScaleMax <= 1f,
        "need 0 < cropScaleMin <= cropScaleMax <= 1");
    check(
        cropRatioMin > 0f && cropRatioMin <= cropRatioMax && Float.isFinite(cropRatioMax),
        "need 0 < cropRatioMin <= cropRatioMax");
    prob(flipProb, "flipProb");
    prob(jitterProb, "jitterProb");
    check(brightness >= 0f && Float.isFinite(brightness), "brightness must be >= 0");
    check(contrast >= 0f && contrast <= 1f, "contrast must be in [0, 1]");
    check(saturation >= 0f && saturation <= 1f, "saturation must be in [0, 1]");
    check(hue >= 0f && hue <= 0.5f, "hue must be in [0, 0.5]");
    prob(grayscaleProb, "grayscaleProb");
    prob(blurProb, "blurProb");
    check(
        blurSigmaMin > 0f && blurSigmaMin <= blurSigmaMax && Float.isFinite(blurSigmaMax),
        "need 0 < blurSigmaMin <= blurSigmaMax");
    check(
        blurKernelFraction > 0f && blurKernelFraction <= 1f,
        "blurKernelFraction must be in (0, 1]");
    prob(solarizeProb, "solarizeProb");
    check(
        solarizeThreshold >= 0f && solarizeThreshold <= 1f, "solarizeThreshold must be in [0, 1]");
  }

  private static void check(boolean ok, String msg) {
    if (!ok) {
      throw new IllegalArgumentException(msg);
    }
  }

  private static void prob(float p, String name) {
    check(p >= 0f && p <= 1f, name + " must be in [0, 1], got " + p);
  }

  /** A builder pre-filled with BYOL's view-1 settings ({@link #byolView1()}). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this policy's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * BYOL view 1 (Grill et al. 2020, "Bootstrap Your Own Latent", Appendix B, Table 6, first column;
   * also deepmind-research byol/utils/augmentations.py): crop scale [0.08, 1], ratio [3/4, 4/3],
   * flip 0.5, colour jitter (0.4, 0.4, 0.2, 0.1) with p 0.8 in random order, grayscale 0.2, blur p
   * 1.0 (sigma [0.1, 2], kernel 10% of the side), no solarisation.
   */
  public static ViewPolicy byolView1() {
    return new Builder().build();
  }

  /** BYOL view 2 (same source, second column): as view 1 but blur p 0.1 and solarise p 0.2. */
  public static ViewPolicy byolView2() {
    return new Builder().blurProb(0.1f).solarizeProb(0.2f).build();
  }

  /**
   * SimSiam (Chen &amp; He 2021, "Exploring Simple Siamese Representation Learning", Sec. 4 and the
   * MoCo-v2 augmentation it reuses): crop scale [0.2, 1], flip 0.5, colour jitter (0.4, 0.4, 0.4,
   * 0.1) p 0.8, grayscale 0.2, blur p 0.5 (sigma [0.1, 2]), no solarisation. For CIFAR-sized inputs
   * the paper drops blur; use {@code simsiam().toBuilder().blurProb(0).build()}.
   */
  public static ViewPolicy simsiam() {
    return new Builder().cropScale(0.2f, 1f).jitter(0.4f, 0.4f, 0.4f, 0.1f).blurProb(0.5f).build();
  }

  /**
   * SimCLR (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
   * Representations", Appendix A, colour strength s = 1): crop scale [0.08, 1], flip 0.5, jitter
   * (0.8, 0.8, 0.8, 0.2) p 0.8, grayscale 0.2, blur p 0.5 (kernel 10% of side, sigma [0.1, 2]). For
   * CIFAR-10 the paper uses s = 0.5 and no blur.
   */
  public static ViewPolicy simclr() {
    return new Builder().jitter(0.8f, 0.8f, 0.8f, 0.2f).blurProb(0.5f).build();
  }

  /** No augmentation: the full image is (bilinearly) resized to the output size, nothing else. */
  public static ViewPolicy none() {
    return new Builder()
        .cropScale(1f, 1f)
        .cropRatio(1f, 1f)
        .flipProb(0f)
        .jitterProb(0f)
        .grayscaleProb(0f)
        .blurProb(0f)
        .solarizeProb(0f)
        .build();
  }

  /** True when the crop always returns the full image (scale 1 and ratio 1). */
  public boolean isFullCrop() {
    return cropScaleMin == 1f && cropRatioMin == 1f && cropRatioMax == 1f;
  }

  /** Mutable builder; defaults are BYOL view 1. */
  public static final class Builder {
    private float cropScaleMin = 0.08f;
    private float cropScaleMax = 1f;
    private float cropRatioMin = 3f / 4f;
    private float cropRatioMax = 4f / 3f;
    private float flipProb = 0.5f;
    private float jitterProb = 0.8f;
    private float brightness = 0.4f;
    private float contrast = 0.4f;
    private float saturation = 0.2f;
    private float hue = 0.1f;
    private float grayscaleProb = 0.2f;
    private float blurProb = 1f;
    private float blurSigmaMin = 0.1f;
    private float blurSigmaMax = 2f;
    private float blurKernelFraction = 0.1f;
    private float solarizeProb = 0f;
    private float solarizeThreshold = 0.5f;

    private Builder() {}

    private Builder(ViewPolicy p) {
      cropScaleMin = p.cropScaleMin;
      cropScaleMax = p.cropScaleMax;
      cropRatioMin = p.cropRatioMin;
      cropRatioMax = p.cropRatioMax;
      flipProb = p.flipProb;
      jitterProb = p.jitterProb;
      brightness = p.brightness;
      contrast = p.contrast;
      saturation = p.saturation;
      hue = p.hue;
      grayscaleProb = p.grayscaleProb;
      blurProb = p.blurProb;
      blurSigmaMin = p.blurSigmaMin;
      blurSigmaMax = p.blurSigmaMax;
      blurKernelFraction = p.blurKernelFraction;
      solarizeProb = p.solarizeProb;
      solarizeThreshold = p.solarizeThreshold;
    }

    public Builder cropScale(float min, float max) {
      cropScaleMin = min;
      cropScaleMax = max;
      return this;
    }

    public Builder cropRatio(float min, float max) {
      cropRatioMin = min;
      cropRatioMax = max;
      return this;
    }

    public Builder flipProb(float p) {
      flipProb = p;
      return this;
    }

    public Builder jitterProb(float p) {
      jitterProb = p;
      return this;
    }

    /** Sets brightness, contrast, saturation and hue strengths at once. */
    public Builder jitter(float brightness, float contrast, float saturation, float hue) {
      this.brightness = brightness;
      this.contrast = contrast;
      this.saturation = saturation;
      this.hue = hue;
      return this;
    }

    public Builder brightness(float v) {
      brightness = v;
      return this;
    }

    public Builder contrast(float v) {
      contrast = v;
      return this;
    }

    public Builder saturation(float v) {
      saturation = v;
      return this;
    }

    public Builder hue(float v) {
      hue = v;
      return this;
    }

    public Builder grayscaleProb(float p) {
      grayscaleProb = p;
      return this;
    }

    public Builder blurProb(float p) {
      blurProb = p;
      return this;
    }

    public Builder blurSigma(float min, float max) {
      blurSigmaMin = min;
      blurSigmaMax = max;
      return this;
    }

    public Builder blurKernelFraction(float f) {
      blurKernelFraction = f;
      return this;
    }

    public Builder solarizeProb(float p) {
      solarizeProb = p;
      return this;
    }

    public Builder solarizeThreshold(float t) {
      solarizeThreshold = t;
      return this;
    }

    public ViewPolicy build() {
      return new ViewPolicy(
          cropScaleMin,
          cropScaleMax,
          cropRatioMin,
          cropRatioMax,
          flipProb,
          jitterProb,
          brightness,
          contrast,
          saturation,
          hue,
          grayscaleProb,
          blurProb,
          blurSigmaMin,
          blurSigmaMax,
          blurKernelFraction,
          solarizeProb,
          solarizeThreshold);
    }
  }
}
