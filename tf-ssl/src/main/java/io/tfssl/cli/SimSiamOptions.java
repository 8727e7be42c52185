package io.tfssl.cli;

import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.Similarity;
import io.tfssl.method.Symmetry;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code pretrain}'s SimSiam switches (Chen and He 2021, §4 and §5), one picocli mixin. */
final class SimSiamOptions {
  @Option(
      names = "--stop-gradient",
      negatable = true,
      description = "SimSiam: stop-gradient on the target branch (default on).")
  Boolean stopGradient;

  @Option(
      names = "--predictor",
      paramLabel = "mlp|none|fixed|moving-average",
      converter = PredictorConverter.class,
      description =
          "SimSiam: predictor MLP, none (identity), fixed at random init, or"
              + " moving-average: no predictor, the target of each image is a moving average"
              + " eta_x <- m*eta_x + (1-m)*F(T'(x)) over its visits (paper section 5).")
  PredictorMode predictor;

  @Option(
      names = "--predictor-momentum",
      paramLabel = "M",
      description =
          "SimSiam with --predictor moving-average: the momentum m of eta_x, in [0, 1)"
              + " (default 0.8, the paper's; 0 = SimSiam without predictor).")
  Double predictorMomentum;

  @Option(
      names = "--alternation-steps",
      paramLabel = "K",
      description =
          "SimSiam: train against a snapshot of the encoder and projector refreshed"
              + " every K steps (paper section 5, multi-step alternation; 1 = SimSiam through the"
              + " snapshot, one epoch = images / batch size steps). Default 0: off.")
  Integer alternationSteps;

  @Option(
      names = "--predictor-lr",
      paramLabel = "fixed|decayed",
      description = "SimSiam: keep the predictor's lr fixed or decay it with the rest.")
  String predictorLr;

  @Option(
      names = "--similarity",
      paramLabel = "cosine|cross-entropy",
      converter = SimilarityConverter.class,
      description = "SimSiam: the similarity D.")
  Similarity similarity;

  @Option(
      names = "--symmetry",
      paramLabel = "symmetric|asymmetric|asymmetric-2x",
      converter = SymmetryConverter.class,
      description = "SimSiam: loss symmetrization.")
  Symmetry symmetry;

  /** The flags, for the check that they are given only with SimSiam. */
  List<Given> given() {
    return List.of(
        Given.of("--stop-gradient", stopGradient),
        Given.of("--predictor", predictor),
        Given.of("--predictor-lr", predictorLr),
        Given.of("--similarity", similarity),
        Given.of("--symmetry", symmetry),
        Given.of("--predictor-momentum", predictorMomentum),
        Given.of("--alternation-steps", alternationSteps));
  }

  /** Fails for a SimSiam switch given with another method. */
  void requireApplicable(String method) {
    Given.rejectUnless(method.equals("simsiam"), "SimSiam", given());
  }

  /** {@code s} with every given switch applied. */
  SimSiamConfig applyTo(SimSiamConfig s) {
    if (stopGradient != null) s = s.withStopGradient(stopGradient);
    if (predictor != null) s = s.withPredictor(predictor);
    if (similarity != null) s = s.withSimilarity(similarity);
    if (symmetry != null) s = s.withSymmetry(symmetry);
    if (predictorLr != null) {
      if (!predictorLr.equals("fixed") && !predictorLr.equals("decayed")) {
        throw new UsageException(
            "--predictor-lr must be fixed or decayed, got '" + predictorLr + "'");
      }
      s = s.withPredictorFixedLr(predictorLr.equals("fixed"));
    }
    if (predictorMomentum != null) {
      if (s.predictor() != PredictorMode.MOVING_AVERAGE) {
        throw new UsageException(
            "--predictor-momentum applies only to --predictor" + " moving-average");
      }
      s = s.withPredictorMomentum(predictorMomentum);
    }
    if (alternationSteps != null) s = s.withAlternationSteps(alternationSteps);
    return s;
  }

  static final class PredictorConverter extends EnumConverter<PredictorMode> {
    PredictorConverter() {
      super(PredictorMode.class);
    }
  }

  static final class SimilarityConverter extends EnumConverter<Similarity> {
    SimilarityConverter() {
      super(Similarity.class);
    }
  }

  static final class SymmetryConverter extends EnumConverter<Symmetry> {
    SymmetryConverter() {
      super(Symmetry.class);
    }
  }
}
