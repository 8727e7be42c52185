package io.tfssl.nn;

import java.util.List;

/** Encoders by name, as the command line and configs refer to them. */
public final class Encoders {
  /** Names accepted by {@link #create}. */
  public static final List<String> NAMES = List.of("small", "resnet18", "resnet34", "resnet50");

  private Encoders() {}

  /**
   * @param name one of {@link #NAMES}
   * @param stem for ResNets; ignored by {@code small}
   * @param zeroInitResidual for ResNets; ignored by {@code small}
   */
  public static Encoder create(String name, ResNet.Stem stem, boolean zeroInitResidual) {
    return switch (name) {
      case "small" -> new SmallConvNet();
      case "resnet18" -> ResNet.resnet18(stem, zeroInitResidual);
      case "resnet34" -> ResNet.resnet34(stem, zeroInitResidual);
      case "resnet50" -> ResNet.resnet50(stem, zeroInitResidual);
      default -> throw new IllegalArgumentException(
          "unknown encoder '" + name + "' (expected one of " + NAMES + ")");
    };
  }

  /** The CIFAR stem for images up to 64 pixels on a side, the ImageNet stem above (SimSiam §A). */
  public static ResNet.Stem stemFor(int imageSize) {
    return imageSize <= 64 ? ResNet.Stem.CIFAR : ResNet.Stem.IMAGENET;
  }
}
