package io.tfssl.data;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Per-channel standardisation {@code (x - mean) / std} applied to images already scaled to [0, 1].
 *
 * <p>Why: every SSL recipe (BYOL, SimSiam, SimCLR) feeds the encoder standardised inputs; doing it
 * in the graph keeps the JVM side at raw uint8 bytes. The op is emitted as {@code x * (1/std) +
 * (-mean/std)} (one multiply-add, broadcast over the last axis).
 *
 * <p>{@code mean} and {@code std} have one entry per channel, or a single entry that is broadcast
 * to every channel.
 *
 * @param mean per-channel mean of the [0, 1]-scaled training pixels
 * @param std per-channel standard deviation of the [0, 1]-scaled training pixels (all &gt; 0)
 */
public record Normalization(float[] mean, float[] std) {

  public Normalization {
    if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("mean and std must be non-empty and of equal length");
    }
    for (float s : std) {
      if (!(s > 0f) || !Float.isFinite(s)) {
        throw new IllegalArgumentException(
            "std entries must be finite and > 0: " + Arrays.toString(std));
      }
    }
    for (float m : mean) {
      if (!Float.isFinite(m)) {
        throw new IllegalArgumentException("mean entries must be finite: " + Arrays.toString(mean));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Single-value normalisation, broadcast over all channels. */
  public static Normalization of(float mean, float std) {
    return new Normalization(new float[] {mean}, new float[] {std});
  }

  /** Mean 0, std 1: leaves [0, 1] pixels unchanged (useful for tests and visualisation). */
  public static Normalization identity() {
    return of(0f, 1f);
  }

  /** Fashion-MNIST training-set statistics (grayscale). */
  public static Normalization fashionMnist() {
    return of(0.2860f, 0.3530f);
  }

  /** MNIST training-set statistics (grayscale), as in the PyTorch MNIST example. */
  public static Normalization mnist() {
    return of(0.1307f, 0.3081f);
  }

  /**
   * CIFAR-10 training-set per-channel statistics (RGB). The std is the true per-pixel std (0.2470,
   * 0.2435, 0.2616), not the often-copied (0.2023, 0.1994, 0.2010).
   */
  public static Normalization cifar10() {
    return new Normalization(
        new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
  }

  /** ImageNet statistics used by torchvision / BYOL / SimSiam (RGB). */
  public static Normalization imagenet() {
    return new Normalization(
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  }

  /** Number of channel entries (1 means "broadcast to every channel"). */
  public int channels() {
    return mean.length;
  }

  /** True when this normalisation can be applied to images with {@code c} channels. */
  public boolean fits(long c) {
    return mean.length == 1 || mean.length == c;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** Standardises {@code x01} (any shape whose last axis is the channel axis, values in [0, 1]). */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x01) {
    long c =
        x01.shape().numDimensions() > 0 ? x01.shape().get(x01.shape().numDimensions() - 1) : -1;
    if (c > 0 && !fits(c)) {
      throw new IllegalArgumentException(
          "normalisation has " + mean.length + " channels, images have " + c);
    }
    float[] scale = new float[mean.length];
    float[] shift = new float[mean.length];
    for (int i = 0; i < mean.length; i++) {
      scale[i] = 1f / std[i];
      shift[i] = -mean[i] / std[i];
    }
    return tf.math.add(tf.math.mul(x01, tf.constant(scale)), tf.constant(shift));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
