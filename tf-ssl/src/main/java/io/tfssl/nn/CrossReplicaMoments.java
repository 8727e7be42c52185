package io.tfssl.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Batch statistics shared by data-parallel replicas: synchronized ("cross-replica") batch norm.
 * SimCLR normalizes with the mean and variance aggregated over all devices ("Global BN", Chen et
 * al. 2020, §2.3), and BYOL's reference implementation computes its batch-norm statistics across
 * replicas as well (haiku's {@code BatchNorm} with a cross-replica axis): a replica's own slice of
 * a small per-device batch gives noisier statistics, and in contrastive methods lets the network
 * find a shortcut through them.
 *
 * <p>Given to a network's {@link VarStore} before the network is built ({@link
 * VarStore#crossReplicaMoments}), it switches every batch-norm layer of that network in training
 * mode to the cross-replica path ({@link BatchNorm}).
 */
public interface CrossReplicaMoments {

  /**
   * The mean over all replicas of {@code local}, a [2, C] tensor of this replica's per-channel mean
   * of x and mean of x²; differentiable (the gradient of a mean over replicas is the mean over
   * replicas of the upstream gradients). Every replica holds the same number of samples.
   */
  Operand<TFloat32> mean(Ops tf, Operand<TFloat32> local);

  /** How many replicas share the statistics (for the unbiased moving variance). */
  int replicas();
}
