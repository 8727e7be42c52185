package io.tfssl.method;

import io.tfssl.nn.HeadBn;
import java.util.List;

/**
 * SimSiam's switches, with the paper's defaults (Chen and He 2021, §3 and §4.3).
 *
 * @param projectorDims widths of g's layers: 2048-2048-2048 for ImageNet, 2048-2048 for CIFAR
 * @param predictorDims widths of h's layers: 512-2048 (bottleneck)
 * @param headBn where the heads have batch norm (Table 4)
 * @param stopGradient the stop-gradient on the target branch (§4.1, Fig. 2)
 * @param predictor MLP, none or fixed random init (Table 1)
 * @param similarity cosine or cross-entropy (Table 5)
 * @param symmetry symmetric, asymmetric or asymmetric 2× (Table 5)
 * @param predictorFixedLr keep the predictor's learning rate constant while the rest decays
 *     (Table 1c, the paper's 68.1% row)
 */
public record SimSiamConfig(
    List<Integer> projectorDims,
    List<Integer> predictorDims,
    HeadBn headBn,
    boolean stopGradient,
    PredictorMode predictor,
    Similarity similarity,
    Symmetry symmetry,
    boolean predictorFixedLr) {

  public SimSiamConfig {
    projectorDims = List.copyOf(projectorDims);
    predictorDims = List.copyOf(predictorDims);
  }

  /**
   * Checks what the withers cannot check one at a time (so that widths can be changed in any
   * order): every width positive and the predictor mapping z back to z's width.
   */
  public SimSiamConfig validate() {
    HeadWidths.check("projector", projectorDims);
    HeadWidths.check("predictor", predictorDims);
    if (predictor == PredictorMode.MLP || predictor == PredictorMode.FIXED) {
      HeadWidths.checkSameOutput(projectorDims, predictorDims);
    }
    return this;
  }

  /** The ImageNet recipe: 3-layer 2048-d projector, 512-d predictor bottleneck, fixed predictor lr. */
  public static SimSiamConfig paper() {
    return new SimSiamConfig(List.of(2048, 2048, 2048), List.of(512, 2048), HeadBn.HIDDEN_OUTPUT,
        true, PredictorMode.MLP, Similarity.COSINE, Symmetry.SYMMETRIC, true);
  }

  /** The CIFAR-10 variant (§A): a 2-layer projector. */
  public static SimSiamConfig cifar() {
    return paper().withProjectorDims(List.of(2048, 2048));
  }

  public SimSiamConfig withProjectorDims(List<Integer> dims) {
    return new SimSiamConfig(dims, predictorDims, headBn, stopGradient, predictor, similarity,
        symmetry, predictorFixedLr);
  }

  public SimSiamConfig withPredictorDims(List<Integer> dims) {
    return new SimSiamConfig(projectorDims, dims, headBn, stopGradient, predictor, similarity,
        symmetry, predictorFixedLr);
  }

  public SimSiamConfig withHeadBn(HeadBn value) {
    return new SimSiamConfig(projectorDims, predictorDims, value, stopGradient, predictor,
        similarity, symmetry, predictorFixedLr);
  }

  public SimSiamConfig withStopGradient(boolean value) {
    return new SimSiamConfig(projectorDims, predictorDims, headBn, value, predictor, similarity,
        symmetry, predictorFixedLr);
  }

  public SimSiamConfig withPredictor(PredictorMode value) {
    return new SimSiamConfig(projectorDims, predictorDims, headBn, stopGradient, value, similarity,
        symmetry, predictorFixedLr);
  }

  public SimSiamConfig withSimilarity(Similarity value) {
    return new SimSiamConfig(projectorDims, predictorDims, headBn, stopGradient, predictor, value,
        symmetry, predictorFixedLr);
  }

  public SimSiamConfig withSymmetry(Symmetry value) {
    return new SimSiamConfig(projectorDims, predictorDims, headBn, stopGradient, predictor,
        similarity, value, predictorFixedLr);
  }

  public SimSiamConfig withPredictorFixedLr(boolean value) {
    return new SimSiamConfig(projectorDims, predictorDims, headBn, stopGradient, predictor,
        similarity, symmetry, value);
  }
}
