package io.tfssl.method;

import io.tfssl.nn.CrossReplicaMoments;
import io.tfssl.nn.VarStore;

/**
 * What the replicas of data-parallel training share while one replica's step is built: the global
 * batch of the losses that look across samples ({@link CrossReplicaBatch}) and the batch-norm
 * statistics of synchronized BN ({@link CrossReplicaMoments}). Created by the replication for the
 * graph it builds and handed to the methods with their input ({@link MethodInput}), so that a
 * method is told, not left to look up, whether it is replicated; {@link #LOCAL} is a single
 * replica, whose losses and batch norm use the local batch.
 *
 * @param batch the global batch, or null
 * @param moments the synchronized batch-norm statistics, or null
 */
public record CrossReplicaContext(CrossReplicaBatch batch, CrossReplicaMoments moments) {

  /** One replica: nothing shared. */
  public static final CrossReplicaContext LOCAL = new CrossReplicaContext(null, null);

  /** The global batch, or null when there is none or a single replica holds it. */
  public CrossReplicaBatch globalBatch() {
    return batch == null || batch.replicas() < 2 ? null : batch;
  }

  /**
   * {@code store}, with its training-mode batch norm taking the statistics over all replicas when
   * the context synchronizes them.
   */
  public VarStore applyTo(VarStore store) {
    return moments == null ? store : store.crossReplicaMoments(moments);
  }
}
