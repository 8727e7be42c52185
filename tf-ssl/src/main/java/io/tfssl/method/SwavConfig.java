package io.tfssl.method;

import java.util.List;

/**
 * SwAV's switches, with the paper's defaults (Caron et al. 2020, §3-4 and App. A.1; the released
 * {@code swav_800ep_pretrain.sh} recipe).
 *
 * @param projectorDims the projection head: 2048-128 with BN and ReLU on the hidden layer
 * @param prototypes K, the number of prototypes (3000)
 * @param temperature τ of the softmax over prototype scores (0.1)
 * @param epsilon ε, the entropy regularization of Sinkhorn-Knopp (0.05)
 * @param sinkhornIterations Sinkhorn-Knopp iterations (3)
 * @param smallCrops multi-crop: how many small views besides the two large ones (6; 0 turns
 *     multi-crop off)
 * @param smallCropSize the small views' side in pixels (96 with 224-pixel large views)
 * @param smallCropScaleMin smallest area fraction of a small crop (0.05)
 * @param smallCropScaleMax largest area fraction of a small crop (0.14)
 */
public record SwavConfig(
    List<Integer> projectorDims,
    int prototypes,
    double temperature,
    double epsilon,
    int sinkhornIterations,
    int smallCrops,
    int smallCropSize,
    double smallCropScaleMin,
    double smallCropScaleMax) {

  public SwavConfig {
    projectorDims = List.copyOf(projectorDims);
  }

  /** Checks every field. */
  public SwavConfig validate() {
    HeadWidths.check("projector", projectorDims);
    Checks.atLeast("the number of prototypes", prototypes, 1);
    Checks.positive("the SwAV temperature", temperature);
    Checks.positive("epsilon", epsilon);
    Checks.atLeast("the number of Sinkhorn iterations", sinkhornIterations, 1);
    Checks.atLeast("the number of small crops", smallCrops, 0);
    if (smallCrops > 0) {
      Checks.atLeast("the small crops' size", smallCropSize, 1);
      if (!(smallCropScaleMin > 0
          && smallCropScaleMin <= smallCropScaleMax
          && smallCropScaleMax <= 1)) {
        throw new IllegalArgumentException(
            "small crop scales need 0 < min <= max <= 1, got "
                + smallCropScaleMin
                + ", "
                + smallCropScaleMax);
      }
    }
    return this;
  }

  /**
   * The ImageNet recipe: head 2048-128, 3000 prototypes, τ = 0.1, ε = 0.05, 3 iterations, and
   * multi-crop 2×224 + 6×96 with small crops of 5-14% of the image (large ones: 14-100%, set in the
   * view policies).
   */
  public static SwavConfig paper() {
    return new SwavConfig(List.of(2048, 128), 3000, 0.1, 0.05, 3, 6, 96, 0.05, 0.14);
  }

  public SwavConfig withProjectorDims(List<Integer> dims) {
    return new SwavConfig(
        dims,
        prototypes,
        temperature,
        epsilon,
        sinkhornIterations,
        smallCrops,
        smallCropSize,
        smallCropScaleMin,
        smallCropScaleMax);
  }

  public SwavConfig withPrototypes(int value) {
    return new SwavConfig(
        projectorDims,
        value,
        temperature,
        epsilon,
        sinkhornIterations,
        smallCrops,
        smallCropSize,
        smallCropScaleMin,
        smallCropScaleMax);
  }

  public SwavConfig withTemperature(double value) {
    return new SwavConfig(
        projectorDims,
        prototypes,
        value,
        epsilon,
        sinkhornIterations,
        smallCrops,
        smallCropSize,
        smallCropScaleMin,
        smallCropScaleMax);
  }

  public SwavConfig withEpsilon(double value) {
    return new SwavConfig(
        projectorDims,
        prototypes,
        temperature,
        value,
        sinkhornIterations,
        smallCrops,
        smallCropSize,
        smallCropScaleMin,
        smallCropScaleMax);
  }

  public SwavConfig withSinkhornIterations(int value) {
    return new SwavConfig(
        projectorDims,
        prototypes,
        temperature,
        epsilon,
        value,
        smallCrops,
        smallCropSize,
        smallCropScaleMin,
        smallCropScaleMax);
  }

  /** Multi-crop: {@code count} small views of {@code size} pixels, area fraction in [min, max]. */
  public SwavConfig withSmallCrops(int count, int size, double scaleMin, double scaleMax) {
    return new SwavConfig(
        projectorDims,
        prototypes,
        temperature,
        epsilon,
        sinkhornIterations,
        count,
        size,
        scaleMin,
        scaleMax);
  }
}
