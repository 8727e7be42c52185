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
 * @param predictorFixedLr keep the predictor's learning rate constant while the rest decays (Table
 *     1c, the paper's 68.1% row)
 * @param alternationSteps §5 "Multi-step alternation": 0 for plain SimSiam; k ≥ 1 trains against a
 *     snapshot of the encoder and projector refreshed every k steps ({@link Alternation}); k = 1 is
 *     SimSiam again, computed through the snapshot
 * @param predictorMomentum m of the §5 moving-average target η_x ← m·η_x + (1 − m)·F(T'(x)), used
 *     with {@link PredictorMode#MOVING_AVERAGE} (0.8 in the paper)
 */
public record SimSiamConfig(
    List<Integer> projectorDims,
    List<Integer> predictorDims,
    HeadBn headBn,
    boolean stopGradient,
    PredictorMode predictor,
    Similarity similarity,
    Symmetry symmetry,
    boolean predictorFixedLr,
    int alternationSteps,
    double predictorMomentum) {

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
    if (alternationSteps < 0) {
      throw new IllegalArgumentException(
          "--alternation-steps cannot be negative, got "
              + alternationSteps
              + " (0 = off, k = refresh the target every k steps)");
    }
    if (!(predictorMomentum >= 0 && predictorMomentum < 1)) {
      throw new IllegalArgumentException(
          "--predictor-momentum must be in [0, 1), got " + predictorMomentum);
    }
    // Both §5 variants replace the stop-gradient's target by a constant (a snapshot, or η_x):
    // without the stop-gradient there is nothing left of the hypothesis to test.
    if (!stopGradient && (alternationSteps > 0 || predictor == PredictorMode.MOVING_AVERAGE)) {
      throw new IllegalArgumentException(
          "--no-stop-gradient cannot be combined with "
              + (alternationSteps > 0 ? "--alternation-steps" : "--predictor moving-average")
              + ": the §5 variants hold the target constant");
    }
    if (alternationSteps > 0 && predictor == PredictorMode.MOVING_AVERAGE) {
      throw new IllegalArgumentException(
          "--alternation-steps and --predictor moving-average are"
              + " separate experiments of §5; choose one");
    }
    return this;
  }

  /**
   * The ImageNet recipe: 3-layer 2048-d projector, 512-d predictor bottleneck, fixed predictor lr.
   */
  public static SimSiamConfig paper() {
    return new SimSiamConfig(
        List.of(2048, 2048, 2048),
        List.of(512, 2048),
        HeadBn.HIDDEN_OUTPUT,
        true,
        PredictorMode.MLP,
        Similarity.COSINE,
        Symmetry.SYMMETRIC,
        true,
        0,
        0.8);
  }

  /** The CIFAR-10 variant (§A): a 2-layer projector. */
  public static SimSiamConfig cifar() {
    return paper().withProjectorDims(List.of(2048, 2048));
  }

  public SimSiamConfig withProjectorDims(List<Integer> dims) {
    return new SimSiamConfig(
        dims,
        predictorDims,
        headBn,
        stopGradient,
        predictor,
        similarity,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withPredictorDims(List<Integer> dims) {
    return new SimSiamConfig(
        projectorDims,
        dims,
        headBn,
        stopGradient,
        predictor,
        similarity,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withHeadBn(HeadBn value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        value,
        stopGradient,
        predictor,
        similarity,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withStopGradient(boolean value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        value,
        predictor,
        similarity,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withPredictor(PredictorMode value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        stopGradient,
        value,
        similarity,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withSimilarity(Similarity value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        stopGradient,
        predictor,
        value,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withSymmetry(Symmetry value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        stopGradient,
        predictor,
        similarity,
        value,
        predictorFixedLr,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withPredictorFixedLr(boolean value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        stopGradient,
        predictor,
        similarity,
        symmetry,
        value,
        alternationSteps,
        predictorMomentum);
  }

  public SimSiamConfig withAlternationSteps(int value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        stopGradient,
        predictor,
        similarity,
        symmetry,
        predictorFixedLr,
        value,
        predictorMomentum);
  }

  public SimSiamConfig withPredictorMomentum(double value) {
    return new SimSiamConfig(
        projectorDims,
        predictorDims,
        headBn,
        stopGradient,
        predictor,
        similarity,
        symmetry,
        predictorFixedLr,
        alternationSteps,
        value);
  }
}
