/**
 * Synchronous data-parallel pretraining on TensorFlow's own distributed runtime.
 *
 * <p>Each worker process starts a TensorFlow gRPC server ({@link io.tfssl.distributed.ClusterSpec}
 * from {@code --cluster}/{@code --task-index} or {@code TF_CONFIG}), builds the same training
 * graph, and runs it in a session on its own server (TF Java's public API cannot target a server;
 * {@code RemoteSession} goes through the C API). The workers meet only in collective ops ({@code
 * CollectiveReduceV2}): one all-reduce of the packed gradients per step, the batch-norm moving
 * statistics (or, with synchronized batch norm, every BN layer's batch statistics), and at start a
 * handshake and a copy of the chief's variables. There is no parameter server and no communication
 * code here: TensorFlow moves the tensors (ring all-reduce over gRPC; NCCL between GPUs with {@code
 * --communication nccl}).
 *
 * <p>Several devices of one machine: {@link io.tfssl.distributed.TowerTraining} builds one replica
 * of the step per GPU in one graph ("towers", each with its own copy of the variables) and averages
 * their gradients with the same collective (NCCL between GPUs). Both combine: a cluster of workers
 * with towers each is one all-reduce group of workers × towers replicas.
 *
 * <p>Entry points: {@link io.tfssl.distributed.ClusterTraining}, {@link
 * io.tfssl.distributed.TowerTraining}; the hooks they plug into the trainer are {@link
 * io.tfssl.train.Replication}.
 */
package io.tfssl.distributed;
