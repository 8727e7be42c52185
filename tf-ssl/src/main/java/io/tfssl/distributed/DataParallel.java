package io.tfssl.distributed;

import io.tfssl.data.Dataset;
import io.tfssl.nn.CrossReplicaMoments;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Replication;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * One worker of synchronous data-parallel training on TensorFlow's distributed runtime. Every
 * worker builds the same graph; per step each trains on its own slice of the global batch,
 * the gradients are averaged with one collective all-reduce and every worker applies the same
 * update, so their variables stay identical (as in tf.distribute's MultiWorkerMirroredStrategy,
 * and Goyal et al. 2017's large-minibatch SGD).
 */
final class DataParallel implements Replication {
  private final ClusterSpec cluster;
  private final DataParallelOptions options;
  private final PretrainConfig config;
  private Collectives collectives;

  DataParallel(ClusterSpec cluster, DataParallelOptions options, PretrainConfig config) {
    this.cluster = cluster;
    this.options = options;
    this.config = config;
  }

  @Override
  public int replicas() {
    return cluster.size();
  }

  @Override
  public int index() {
    return cluster.taskIndex();
  }

  /**
   * Worker 0 uses the run seed itself, so a one-worker cluster repeats a single-process run;
   * worker i > 0 a SplitMix64 mix of (seed, i), so the workers' augmentations are independent.
   */
  @Override
  public long augmentationSeed(long runSeed) {
    return augmentationSeed(runSeed, cluster.taskIndex());
  }

  static long augmentationSeed(long runSeed, int worker) {
    if (worker == 0) {
      return runSeed;
    }
    long z = runSeed + worker * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void prepare(Graph graph) {
    collectives = new Collectives(cluster.size(), options.collectiveTimeoutSeconds(),
        options.communication());
    if (options.syncBatchNorm()) {
      CrossReplicaMoments.install(graph, new SyncBatchNorm(collectives));
    }
  }

  @Override
  public List<Operand<TFloat32>> reduceGradients(Ops tf, List<Operand<TFloat32>> local) {
    return GradientAllReduce.mean(collectives(), tf, local);
  }

  /** With synchronized BN the moving statistics come from the global batch already. */
  @Override
  public List<Op> synchronizeState(Ops tf) {
    return options.syncBatchNorm() ? List.of() : MovingStatistics.average(collectives(), tf);
  }

  @Override
  public Session openSession(Graph graph, ConfigProto base) {
    return RemoteSession.open(graph, cluster.target(), sessionConfig(base, cluster));
  }

  /**
   * The run's session settings plus what a worker of the cluster needs: the chief as the
   * collective group leader, and a device filter so that this worker's master sees only its
   * own devices (it never places ops on, or waits for, another worker; the workers meet only in
   * the collectives). TF's CollectiveAllReduceStrategy configures its sessions the same way.
   */
  static ConfigProto sessionConfig(ConfigProto base, ClusterSpec cluster) {
    return serverDefaults(base, cluster).toBuilder()
        .addDeviceFilters("/job:" + ClusterSpec.JOB + "/task:" + cluster.taskIndex())
        .build();
  }

  /** The server's default session settings: the run's, with the collective group leader. */
  static ConfigProto serverDefaults(ConfigProto base, ClusterSpec cluster) {
    return base.toBuilder()
        .setExperimental(base.getExperimental().toBuilder()
            .setCollectiveGroupLeader(cluster.leader()))
        .build();
  }

  @Override
  public Dataset shard(Dataset dataset) {
    return dataset.shard(cluster.taskIndex(), cluster.size());
  }

  @Override
  public void startFromChief(Session session) {
    List<GraphOperation> variables = GraphVariables.all(session.graph());
    List<Handshake.Item> items = new ArrayList<>();
    items.add(new Handshake.Item("the number of workers", cluster.size()));
    items.add(new Handshake.Item("the per-worker batch size", config.batchSize()));
    items.add(new Handshake.Item("synchronized batch norm", options.syncBatchNorm() ? 1 : 0));
    items.add(new Handshake.Item("the run's config", ClusterRunInfo.configFingerprint(config)));
    items.add(new Handshake.Item("the graph's variables", Handshake.variableLayout(variables)));
    try {
      Handshake.check(session, collectives(), items, cluster.taskIndex());
      ChiefState.broadcast(session, collectives(), cluster.isChief());
    } catch (RuntimeException e) {
      throw explain(e);
    }
  }

  @Override
  public RuntimeException explain(RuntimeException failure) {
    return WorkerFailure.explain(failure, cluster, options);
  }

  private Collectives collectives() {
    if (collectives == null) {
      throw new IllegalStateException("prepare(graph) was not called");
    }
    return collectives;
  }
}
