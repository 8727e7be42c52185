package io.tfssl.cli;

import io.tfssl.method.ByolConfig;
import io.tfssl.method.MoCoConfig;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.SwavConfig;
import io.tfssl.nn.HeadBn;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s heads on the encoder: projector and predictor widths and their batch norm.
 * Every method has a projector; only SimSiam and BYOL a predictor.
 */
final class HeadOptions {
  @Option(
      names = "--projector-dims",
      split = ",",
      paramLabel = "D,D,...",
      description = "Widths of the projector's layers.")
  List<Integer> projectorDims;

  @Option(
      names = "--predictor-dims",
      split = ",",
      paramLabel = "D,D",
      description = "SimSiam, BYOL: widths of the predictor's layers (last = projector output).")
  List<Integer> predictorDims;

  @Option(
      names = "--head-bn",
      paramLabel = "none|hidden|hidden-output|all",
      converter = HeadBnConverter.class,
      description = "SimSiam, BYOL, SimCLR: BN layout of the heads (SimSiam Table 4).")
  HeadBn headBn;

  /** Fails for a flag given with a method whose heads it does not describe. */
  void requireApplicable(String method) {
    Given.rejectUnless(
        method.equals("simsiam") || method.equals("byol"),
        "SimSiam and BYOL",
        List.of(Given.of("--predictor-dims", predictorDims)));
    Given.rejectUnless(
        !method.equals("mocov2") && !method.equals("swav"),
        "SimSiam, BYOL and SimCLR",
        List.of(Given.of("--head-bn", headBn)));
  }

  SimSiamConfig applyTo(SimSiamConfig s) {
    if (projectorDims != null) s = s.withProjectorDims(projectorDims);
    if (predictorDims != null) s = s.withPredictorDims(predictorDims);
    if (headBn != null) s = s.withHeadBn(headBn);
    return s;
  }

  ByolConfig applyTo(ByolConfig y) {
    if (projectorDims != null) y = y.withProjectorDims(projectorDims);
    if (predictorDims != null) y = y.withPredictorDims(predictorDims);
    if (headBn != null) y = y.withHeadBn(headBn);
    return y;
  }

  SimClrConfig applyTo(SimClrConfig c) {
    if (projectorDims != null) c = c.withProjectorDims(projectorDims);
    if (headBn != null) c = c.withHeadBn(headBn);
    return c;
  }

  MoCoConfig applyTo(MoCoConfig m) {
    return projectorDims != null ? m.withProjectorDims(projectorDims) : m;
  }

  SwavConfig applyTo(SwavConfig w) {
    return projectorDims != null ? w.withProjectorDims(projectorDims) : w;
  }

  static final class HeadBnConverter extends EnumConverter<HeadBn> {
    HeadBnConverter() {
      super(HeadBn.class);
    }
  }
}
