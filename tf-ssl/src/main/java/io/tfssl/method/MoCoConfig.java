package io.tfssl.method;

import java.util.List;

/**
 * MoCo v2's switches, with the papers' defaults (Chen, Fan, Girshick and He 2020, "Improved
 * Baselines with Momentum Contrastive Learning", §2-3; He et al. 2020, "Momentum Contrast",
 * §3.2-3.3). The key encoder's momentum m (0.999) is the trainer's EMA rate τ ({@code tauBase} with
 * a constant schedule), the same setting BYOL's target uses.
 *
 * @param projectorDims the MLP head: 2048-128 (MoCo v2: "a 2-layer MLP head (hidden layer 2048-d,
 *     with ReLU)"), no batch norm, with biases
 * @param queueSize K, the number of negative keys in the queue (65536)
 * @param temperature τ of InfoNCE (MoCo v2: 0.2)
 * @param shuffleBnGroups the number of batch-norm groups that stand in for MoCo's GPUs in shuffling
 *     BN (He et al. 2020, §3.3; see {@link MoCoV2}): 1 turns it off; the batch must be a multiple
 *     of it. The paper's 8 GPUs give 8.
 */
public record MoCoConfig(
    List<Integer> projectorDims, int queueSize, double temperature, int shuffleBnGroups) {

  public MoCoConfig {
    projectorDims = List.copyOf(projectorDims);
  }

  /** Checks widths, queue size, temperature and the number of BN groups. */
  public MoCoConfig validate() {
    HeadWidths.check("projector", projectorDims);
    Checks.atLeast("the queue size", queueSize, 1);
    Checks.positive("the InfoNCE temperature", temperature);
    Checks.atLeast("the number of shuffle-BN groups", shuffleBnGroups, 1);
    return this;
  }

  /** The ImageNet recipe: head 2048-128, K = 65536, τ = 0.2, shuffling BN over 8 groups. */
  public static MoCoConfig paper() {
    return new MoCoConfig(List.of(2048, 128), 65536, 0.2, 8);
  }

  public MoCoConfig withProjectorDims(List<Integer> dims) {
    return new MoCoConfig(dims, queueSize, temperature, shuffleBnGroups);
  }

  public MoCoConfig withQueueSize(int value) {
    return new MoCoConfig(projectorDims, value, temperature, shuffleBnGroups);
  }

  public MoCoConfig withTemperature(double value) {
    return new MoCoConfig(projectorDims, queueSize, value, shuffleBnGroups);
  }

  public MoCoConfig withShuffleBnGroups(int value) {
    return new MoCoConfig(projectorDims, queueSize, temperature, value);
  }
}
