package io.tfssl.method;

import io.tfssl.nn.HeadBn;
import java.util.List;

/**
 * SimCLR's switches, with the paper's defaults (Chen et al. 2020, §2.3 "Default setting", §4.2 and
 * App. B). The optimizer (LARS, lr 0.3·bs/256, weight decay 1e-6, 10 warmup epochs) is a training
 * setting and lives in the trainer's config ({@code simclr-paper} preset).
 *
 * @param projectorDims g: one hidden layer and the output, 2048-128 on ResNet-50 (§2.1: "a MLP with
 *     one hidden layer"; the hidden width is the representation's, the output 128)
 * @param headBn where the projector has batch norm; only the projector's two flags are used
 * @param temperature t of NT-Xent (0.1 in the released ImageNet recipe at batch 4096; 0.5 in the
 *     CIFAR-10 one)
 */
public record SimClrConfig(List<Integer> projectorDims, HeadBn headBn, double temperature) {

  public SimClrConfig {
    projectorDims = List.copyOf(projectorDims);
  }

  /** Checks the widths (positive) and the temperature (positive, finite). */
  public SimClrConfig validate() {
    HeadWidths.check("projector", projectorDims);
    if (headBn == null) {
      throw new IllegalArgumentException("SimCLR needs a head BN layout");
    }
    Checks.positive("the NT-Xent temperature", temperature);
    return this;
  }

  /** The ImageNet recipe: projector 2048-128 with BN on both layers, t = 0.1. */
  public static SimClrConfig paper() {
    return new SimClrConfig(List.of(2048, 128), HeadBn.HIDDEN_OUTPUT, 0.1);
  }

  public SimClrConfig withProjectorDims(List<Integer> dims) {
    return new SimClrConfig(dims, headBn, temperature);
  }

  public SimClrConfig withHeadBn(HeadBn value) {
    return new SimClrConfig(projectorDims, value, temperature);
  }

  public SimClrConfig withTemperature(double value) {
    return new SimClrConfig(projectorDims, headBn, value);
  }
}
