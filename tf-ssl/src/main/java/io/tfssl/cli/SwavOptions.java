package io.tfssl.cli;

import io.tfssl.method.SwavConfig;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code pretrain}'s SwAV switches (Caron et al. 2020, §3.1 and multi-crop), one mixin. */
final class SwavOptions {
  @Option(names = "--prototypes", paramLabel = "K", description = "SwAV: number of prototypes.")
  Integer prototypes;

  @Option(
      names = "--sinkhorn-iterations",
      paramLabel = "N",
      description = "SwAV: Sinkhorn-Knopp iterations for the codes.")
  Integer sinkhornIterations;

  @Option(
      names = "--epsilon",
      paramLabel = "EPS",
      description = "SwAV: entropy regularization of Sinkhorn-Knopp.")
  Double epsilon;

  @Option(
      names = "--small-crops",
      paramLabel = "N",
      description = "SwAV: multi-crop small views besides the two large ones (0 = off).")
  Integer smallCrops;

  @Option(
      names = "--small-crop-size",
      paramLabel = "PX",
      description = "SwAV: side of the small views in pixels.")
  Integer smallCropSize;

  @Option(
      names = "--small-crop-scale",
      split = ",",
      paramLabel = "MIN,MAX",
      description = "SwAV: area fraction range of the small crops.")
  List<Double> smallCropScale;

  /** The flags, for the check that they are given only with SwAV. */
  List<Given> given() {
    return List.of(
        Given.of("--prototypes", prototypes),
        Given.of("--sinkhorn-iterations", sinkhornIterations),
        Given.of("--epsilon", epsilon),
        Given.of("--small-crops", smallCrops),
        Given.of("--small-crop-size", smallCropSize),
        Given.of("--small-crop-scale", smallCropScale));
  }

  /** Fails for a SwAV switch given with another method. */
  void requireApplicable(String method) {
    Given.rejectUnless(method.equals("swav"), "SwAV", given());
  }

  /** {@code w} with every given switch applied. */
  SwavConfig applyTo(SwavConfig w) {
    if (prototypes != null) w = w.withPrototypes(prototypes);
    if (sinkhornIterations != null) w = w.withSinkhornIterations(sinkhornIterations);
    if (epsilon != null) w = w.withEpsilon(epsilon);
    if (smallCropScale != null && smallCropScale.size() != 2) {
      throw new UsageException("--small-crop-scale takes MIN,MAX, got " + smallCropScale);
    }
    if (smallCrops != null || smallCropSize != null || smallCropScale != null) {
      w =
          w.withSmallCrops(
              smallCrops != null ? smallCrops : w.smallCrops(),
              smallCropSize != null ? smallCropSize : w.smallCropSize(),
              smallCropScale != null ? smallCropScale.get(0) : w.smallCropScaleMin(),
              smallCropScale != null ? smallCropScale.get(1) : w.smallCropScaleMax());
    }
    return w;
  }
}
