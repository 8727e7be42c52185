package io.tfssl.distributed;

import io.tfssl.compute.ComputeSetup;
import io.tfssl.compute.TfDevice;
import io.tfssl.data.Dataset;
import io.tfssl.method.CrossReplicaBatch;
import io.tfssl.method.CrossReplicaContext;
import io.tfssl.nn.CrossReplicaMoments;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Replication;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Synchronous data-parallel training with TensorFlow's collectives: one process with several
 * replicas in its graph ("towers", one per GPU), one worker of a cluster on TensorFlow's
 * distributed runtime, or a cluster of workers with towers each. Every replica builds the same
 * step; per step each trains on its own slice of the global batch, the gradients are averaged with
 * one collective all-reduce over all replicas and every replica applies the same update to its own
 * copy of the variables, so the copies stay identical (as in tf.distribute's MirroredStrategy and
 * MultiWorkerMirroredStrategy, and Goyal et al. 2017's large-minibatch SGD). Replica r = worker ·
 * towers + tower reads the r-th slice of every global batch.
 */
final class DataParallel implements Replication {
  /** The group of one member per worker, for the start-up exchanges when there are towers. */
  private static final int WORKERS_GROUP_KEY = 2;

  /** Null: a single process. */
  private final ClusterSpec cluster;

  private final DataParallelOptions options;
  private final PretrainConfig config;
  private DeviceSpec.DeviceType towerType = DeviceSpec.DeviceType.CPU;
  private Collectives collectives;
  private Collectives perWorker;

  /** The tower being built now (for the global batch's replica index). */
  private int currentTower;

  /** One worker of {@code cluster}. */
  DataParallel(ClusterSpec cluster, DataParallelOptions options, PretrainConfig config) {
    this.cluster = cluster;
    this.options = options;
    this.config = config;
  }

  /** A single process with {@code options.towers()} towers. */
  static DataParallel inProcess(DataParallelOptions options, PretrainConfig config) {
    return new DataParallel(null, options, config);
  }

  private int workers() {
    return cluster == null ? 1 : cluster.size();
  }

  @Override
  public int replicas() {
    return workers() * options.towers();
  }

  @Override
  public int index() {
    return cluster == null ? 0 : cluster.taskIndex();
  }

  @Override
  public int towers() {
    return options.towers();
  }

  /**
   * Towers on the CPU need as many CPU devices (TF creates one unless asked); soft placement moves
   * an op without a kernel for the tower's GPU (some integer augmentation ops) to the CPU instead
   * of failing.
   */
  @Override
  public ConfigProto configure(ConfigProto base) {
    if (options.towers() == 1) {
      return base;
    }
    return base.toBuilder()
        .putDeviceCount("CPU", options.towers())
        .setAllowSoftPlacement(true)
        .build();
  }

  /** Towers go on the GPUs when the run trains on a GPU (one each), else on CPU devices. */
  @Override
  public void use(ComputeSetup compute) {
    if (options.towers() == 1) {
      return;
    }
    if (!compute.onGpu()) {
      towerType = DeviceSpec.DeviceType.CPU;
      return;
    }
    long gpus = compute.devices().stream().filter(TfDevice::isGpu).count();
    if (gpus < options.towers()) {
      throw new IllegalArgumentException(
          "--towers "
              + options.towers()
              + " needs a GPU per"
              + " tower, and TensorFlow sees "
              + gpus
              + " GPU(s) here");
    }
    towerType = DeviceSpec.DeviceType.GPU;
  }

  @Override
  public DeviceSpec towerDevice(int tower) {
    if (options.towers() == 1) {
      return null;
    }
    return DeviceSpec.newBuilder().deviceType(towerType).deviceIndex(tower).build();
  }

  @Override
  public void startTower(int tower) {
    collectives().startTower(tower);
    currentTower = tower;
  }

  /**
   * Replica 0 uses the run seed itself, so a one-worker cluster (or one tower) repeats a
   * single-process run; replica r > 0 a SplitMix64 mix of (seed, r), so the replicas' augmentations
   * are independent.
   */
  @Override
  public long augmentationSeed(long runSeed, int tower) {
    return replicaSeed(runSeed, index() * options.towers() + tower);
  }

  static long replicaSeed(long runSeed, int replica) {
    if (replica == 0) {
      return runSeed;
    }
    long z = runSeed + replica * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public CrossReplicaContext prepare(Graph graph) {
    collectives =
        new Collectives(replicas(), options.collectiveTimeoutSeconds(), options.communication());
    perWorker =
        options.towers() == 1 ? collectives : collectives.subgroup(WORKERS_GROUP_KEY, workers());
    // SimCLR's negatives and SwAV's codes over the global batch, as the papers train.
    CrossReplicaBatch batch =
        replicas() > 1
            ? new GlobalBatch(collectives, () -> index() * options.towers() + currentTower)
            : null;
    CrossReplicaMoments moments = options.syncBatchNorm() ? new SyncBatchNorm(collectives) : null;
    return new CrossReplicaContext(batch, moments);
  }

  @Override
  public List<Operand<TFloat32>> reduceGradients(Ops tf, List<Operand<TFloat32>> local) {
    return GradientAllReduce.mean(collectives(), tf, local);
  }

  /** With synchronized BN the moving statistics come from the global batch already. */
  @Override
  public List<Op> synchronizeState(Ops tf, Set<String> towerVariables) {
    return options.syncBatchNorm()
        ? List.of()
        : MovingStatistics.average(collectives(), tf, towerVariables);
  }

  @Override
  public Session openSession(Graph graph, ConfigProto base) {
    if (cluster == null) {
      return new Session(graph, base);
    }
    return RemoteSession.open(graph, cluster.target(), sessionConfig(base, cluster));
  }

  /**
   * The run's session settings plus what a worker of the cluster needs: the chief as the collective
   * group leader, and a device filter so that this worker's master sees only its own devices (it
   * never places ops on, or waits for, another worker; the workers meet only in the collectives).
   * TF's CollectiveAllReduceStrategy configures its sessions the same way.
   */
  static ConfigProto sessionConfig(ConfigProto base, ClusterSpec cluster) {
    return serverDefaults(base, cluster).toBuilder()
        .addDeviceFilters("/job:" + ClusterSpec.JOB + "/task:" + cluster.taskIndex())
        .build();
  }

  /** The server's default session settings: the run's, with the collective group leader. */
  static ConfigProto serverDefaults(ConfigProto base, ClusterSpec cluster) {
    return base.toBuilder()
        .setExperimental(
            base.getExperimental().toBuilder().setCollectiveGroupLeader(cluster.leader()))
        .build();
  }

  @Override
  public Dataset shard(Dataset dataset) {
    return cluster == null ? dataset : dataset.shard(cluster.taskIndex(), cluster.size());
  }

  @Override
  public void startFromChief(Session session) {
    if (cluster != null) {
      startFromTheChiefWorker(session);
    }
    if (options.towers() > 1) {
      TowerMirror.copyFromTowerZero(session, options.towers());
    }
  }

  private void startFromTheChiefWorker(Session session) {
    List<GraphOperation> variables = GraphVariables.all(session.graph());
    List<Handshake.Item> items = new ArrayList<>();
    items.add(new Handshake.Item("the number of workers", cluster.size()));
    items.add(new Handshake.Item("the towers per worker", options.towers()));
    items.add(new Handshake.Item("the per-replica batch size", config.batchSize()));
    items.add(new Handshake.Item("synchronized batch norm", options.syncBatchNorm() ? 1 : 0));
    items.add(new Handshake.Item("the run's config", ClusterRunInfo.configFingerprint(config)));
    items.add(new Handshake.Item("the graph's variables", Handshake.variableLayout(variables)));
    try {
      Handshake.check(session, perWorker, items, cluster.taskIndex());
      ChiefState.broadcast(session, perWorker, cluster.isChief());
    } catch (RuntimeException e) {
      throw explain(e);
    }
  }

  @Override
  public RuntimeException explain(RuntimeException failure) {
    return cluster == null ? failure : WorkerFailure.explain(failure, cluster, options);
  }

  private Collectives collectives() {
    if (collectives == null) {
      throw new IllegalStateException("prepare(graph) was not called");
    }
    return collectives;
  }
}
