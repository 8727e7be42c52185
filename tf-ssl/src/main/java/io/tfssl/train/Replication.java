package io.tfssl.train;

import io.tfssl.compute.ComputeSetup;
import io.tfssl.data.Dataset;
import io.tfssl.method.CrossReplicaContext;
import java.util.List;
import java.util.Set;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * How one training process takes part in synchronous data-parallel training. {@link #LOCAL} is a
 * single process with one replica; {@code io.tfssl.distributed.DataParallel} is a process with
 * several replicas in its graph ("towers", one per device), or one worker of a cluster, or both.
 * The trainer and the training graph call these hooks at the few points where replication changes
 * something, and nowhere else:
 *
 * <ul>
 *   <li>graph: the seed of the augmentations, the gradients applied (all-reduced), state that must
 *       stay equal on every replica (batch-norm moving statistics), batch-norm statistics;
 *   <li>trainer: the session, the replica's shard of the data, the state every replica starts from,
 *       who writes checkpoints, and the message of a failure.
 * </ul>
 */
public interface Replication {
  /** One process, nothing shared. */
  Replication LOCAL = new Replication() {};

  /**
   * How many replicas train together in all processes (each on its own batch of {@code batchSize}
   * images): workers × towers.
   */
  default int replicas() {
    return 1;
  }

  /** This process's index among the workers, 0 for a single process. */
  default int index() {
    return 0;
  }

  /** The chief (process 0) writes checkpoints and runs the monitors; the others only train. */
  default boolean isChief() {
    return index() == 0;
  }

  /**
   * How many replicas this process's graph holds ("towers", one per device); the process reads
   * {@code batchSize} × towers images per step and gives each tower its slice.
   */
  default int towers() {
    return 1;
  }

  /** The session settings this replication needs on top of {@code base} (its devices). */
  default ConfigProto configure(ConfigProto base) {
    return base;
  }

  /** Called once the run's devices are known, before the graph is built. */
  default void use(ComputeSetup compute) {}

  /** The device of tower {@code tower}, or null to leave the placement to TensorFlow. */
  default DeviceSpec towerDevice(int tower) {
    return null;
  }

  /** Called before the graph builds tower {@code tower} (0, 1, ... in order). */
  default void startTower(int tower) {}

  /**
   * The seed of the augmentations of this process's tower {@code tower}. The network's initial
   * weights and the data order always use the run seed, so that all replicas build the same network
   * and split the same shuffled order.
   */
  default long augmentationSeed(long runSeed, int tower) {
    return runSeed;
  }

  /**
   * Called on the empty graph before anything is built: what the replicas share while their steps
   * are built (the global batch of the losses, synchronized batch norm), handed to the methods.
   */
  default CrossReplicaContext prepare(Graph graph) {
    return CrossReplicaContext.LOCAL;
  }

  /**
   * The gradients every replica applies, from this replica's own (same order): their mean over all
   * replicas. Built in the tower's scope and on its device.
   */
  default List<Operand<TFloat32>> reduceGradients(Ops tf, List<Operand<TFloat32>> local) {
    return local;
  }

  /**
   * Ops that keep state updated from the local batch equal on every replica (for example batch-norm
   * moving statistics); {@code tf} runs them after the step's own state updates. {@code
   * towerVariables} names the variables the tower created (its copy of the state).
   */
  default List<Op> synchronizeState(Ops tf, Set<String> towerVariables) {
    return List.of();
  }

  /** Opens the session that runs the training graph. */
  default Session openSession(Graph graph, ConfigProto config) {
    return new Session(graph, config);
  }

  /** This replica's part of the data. */
  default Dataset shard(Dataset dataset) {
    return dataset;
  }

  /**
   * After the chief initialized or restored its variables and the others initialized theirs: makes
   * every replica hold the chief's values (weights, optimizer slots, global step), and every tower
   * the values of its process's tower 0.
   */
  default void startFromChief(Session session) {}

  /** A clearer exception for a failed step (for example: a peer worker stopped). */
  default RuntimeException explain(RuntimeException failure) {
    return failure;
  }
}
