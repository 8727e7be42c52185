package io.tfssl.method;

import io.tfssl.nn.HeadBn;
import java.util.List;

/**
 * BYOL's architecture switches, with the paper's defaults (Grill et al. 2020, §3.3). The EMA rate τ
 * and its schedule are training settings (they depend on the run length) and live in the trainer's
 * config.
 *
 * @param projectorDims g: 4096-256
 * @param predictorDims q: 4096-256
 * @param headBn BN on the hidden layers only ({@link HeadBn#HIDDEN}), as in the paper
 */
public record ByolConfig(List<Integer> projectorDims, List<Integer> predictorDims, HeadBn headBn) {

  public ByolConfig {
    projectorDims = List.copyOf(projectorDims);
    predictorDims = List.copyOf(predictorDims);
  }

  /** Checks the widths (positive; the predictor maps back to the projector's width). */
  public ByolConfig validate() {
    HeadWidths.check("projector", projectorDims);
    HeadWidths.check("predictor", predictorDims);
    HeadWidths.checkSameOutput(projectorDims, predictorDims);
    return this;
  }

  public static ByolConfig paper() {
    return new ByolConfig(List.of(4096, 256), List.of(4096, 256), HeadBn.HIDDEN);
  }

  public ByolConfig withProjectorDims(List<Integer> dims) {
    return new ByolConfig(dims, predictorDims, headBn);
  }

  public ByolConfig withPredictorDims(List<Integer> dims) {
    return new ByolConfig(projectorDims, dims, headBn);
  }

  public ByolConfig withHeadBn(HeadBn value) {
    return new ByolConfig(projectorDims, predictorDims, value);
  }
}
