package io.tfssl.distributed;

import io.tfssl.nn.CrossReplicaMoments;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Synchronized batch norm across the workers: each BN layer's [mean x, mean x²] is averaged with
 * one all-reduce, so every worker normalizes with the statistics of the global batch (as BYOL and
 * SimCLR do across their accelerators, and {@code torch.nn.SyncBatchNorm} across GPUs). Costs two
 * small all-reduces per BN layer and step (forward and backward), each on the path of the step, so
 * it adds latency where local BN adds none.
 */
final class SyncBatchNorm implements CrossReplicaMoments {
  private final Collectives collectives;

  SyncBatchNorm(Collectives collectives) {
    this.collectives = collectives;
  }

  @Override
  public Operand<TFloat32> mean(Ops tf, Operand<TFloat32> local) {
    return collectives.mean(tf, local);
  }

  @Override
  public int replicas() {
    return collectives.groupSize();
  }
}
