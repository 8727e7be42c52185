package io.tfssl.cli;

import io.tfssl.nn.Encoders;
import io.tfssl.nn.ResNet;
import io.tfssl.train.PretrainConfig;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code pretrain}'s backbone: which encoder, and the ResNet switches. */
final class EncoderOptions {
  @Option(
      names = "--encoder",
      paramLabel = "small|resnet18|resnet34|resnet50",
      description = "Backbone.")
  String encoder;

  @Option(
      names = "--stem",
      paramLabel = "cifar|imagenet",
      converter = StemConverter.class,
      description = "ResNet stem (default: cifar up to 64 px, imagenet above).")
  ResNet.Stem stem;

  @Option(
      names = "--zero-init-residual",
      negatable = true,
      description = "Start each residual branch's last BN at gamma 0.")
  Boolean zeroInitResidual;

  /** Applies every given value to {@code b}; fails for a ResNet switch on another encoder. */
  void applyTo(PretrainConfig.Builder b, PretrainConfig base) {
    if (encoder != null && !Encoders.NAMES.contains(encoder)) {
      // The command line builds only the built-ins; an encoder of a program's own needs that
      // program to register it (README "Use from your Maven project").
      throw new UsageException(
          "unknown encoder '" + encoder + "' (expected one of " + Encoders.NAMES + ")");
    }
    String enc = encoder != null ? encoder : base.encoder();
    Given.rejectUnless(
        enc.startsWith("resnet"),
        "the ResNet encoders",
        List.of(Given.of("--stem", stem), Given.of("--zero-init-residual", zeroInitResidual)));
    if (encoder != null) b.encoder(encoder);
    if (stem != null) b.stem(stem);
    if (zeroInitResidual != null) b.zeroInitResidual(zeroInitResidual);
  }

  static final class StemConverter extends EnumConverter<ResNet.Stem> {
    StemConverter() {
      super(ResNet.Stem.class);
    }
  }
}
