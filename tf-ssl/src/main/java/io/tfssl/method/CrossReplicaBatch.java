package io.tfssl.method;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The global batch of data-parallel replicas, for the losses that look across samples: SimCLR draws
 * its negatives from every device's batch (the reference TPU code concatenates the projections
 * across replicas before the similarity matrix), and SwAV's Sinkhorn-Knopp normalizes the codes
 * over the samples of all GPUs ({@code distributed_sinkhorn}: the sums over samples are
 * all-reduced). Without this each replica would see only its own slice, a smaller batch than the
 * one the learning rate and the paper assume.
 *
 * <p>Handed to the methods in their {@link CrossReplicaContext}; absent, the losses use the local
 * batch.
 */
public interface CrossReplicaBatch {

  /** How many replicas hold a slice of the batch (all the same size). */
  int replicas();

  /** The index of the replica being built now, 0 to {@link #replicas()} − 1. */
  int replica();

  /**
   * The replicas' [n, ...] tensors concatenated in replica order, [replicas·n, ...].
   * Differentiable: the gradient w.r.t. {@code local} is this replica's slice of the sum over the
   * replicas of their upstream gradients (each replica's loss depends on every slice).
   */
  Operand<TFloat32> gather(Ops tf, Operand<TFloat32> local);

  /** The element-wise sum over the replicas (not differentiable; for stop-gradient targets). */
  Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x);

  /** The element-wise maximum over the replicas (not differentiable). */
  Operand<TFloat32> max(Ops tf, Operand<TFloat32> x);
}
