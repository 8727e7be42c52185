package io.tfssl.method;

import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mlp;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MoCo v2 (Chen, Fan, Girshick and He 2020, "Improved Baselines with Momentum Contrastive
 * Learning"): MoCo (He et al. 2020, "Momentum Contrast for Unsupervised Visual Representation
 * Learning", CVPR 2020) with an MLP head, stronger augmentation and a cosine schedule.
 *
 * <ul>
 *   <li><b>Query encoder</b> f_q (+ MLP head), trained: q = normalize(g_q(f_q(x̃₁))), at {@code
 *       online/encoder} and {@code online/projector}.
 *   <li><b>Key encoder</b> f_k (+ head), a momentum copy (§3.2 "Momentum update"): separate
 *       variables under {@code key/}, initialized as a copy of the query encoder and updated after
 *       every optimizer step by θ_k ← m·θ_k + (1 − m)·θ_q, m = 0.999. This is the same {@link
 *       TargetEma} mechanism as BYOL's target, with m as the trainer's τ. k =
 *       sg(normalize(g_k(f_k(x̃₂)))): THE STOP-GRADIENT; the keys are constants for the loss (the
 *       paper computes them under {@code no_grad}).
 *   <li><b>Queue</b> of K negative keys ({@link KeyQueue}, variable {@code moco/keys}); the loss
 *       reads it as it was before this step, and THE QUEUE UPDATE (enqueue this batch's keys, drop
 *       the oldest) runs after the optimizer update, in {@link MethodGraph#afterUpdate()}.
 *   <li><b>Loss</b>: InfoNCE with τ = 0.2 ({@link InfoNce}), one term per image (view 1 is the
 *       query, view 2 the key; MoCo is not symmetrized).
 * </ul>
 *
 * <p><b>Shuffling BN on one device.</b> MoCo computes batch-norm statistics per GPU and, for the
 * key encoder only, shuffles the samples across GPUs first (§3.3 "Shuffling BN"): otherwise a query
 * and its positive key are normalized with the statistics of the same sub-batch, and the model can
 * find the positive from this "signature" instead of learning a good representation (the paper
 * reports a lower loss and a worse representation). One device has no GPUs to shuffle across, and
 * one BN batch is shuffle-invariant, so this class simulates the devices: with {@link
 * MoCoConfig#shuffleBnGroups() G} groups, the query encoder runs on G contiguous blocks of the
 * batch (its "GPUs", BN statistics per block), and the key encoder on G interleaved groups (sample
 * i in group i mod G), whose outputs are put back in batch order. Each key is then normalized with
 * statistics of samples that are mostly not in its query's block, as with MoCo's random shuffle.
 * The interleaving is fixed rather than random per step: the loader already shuffles the images
 * every epoch, so a sample's position carries no information. G = 1 turns this off (one BN batch
 * per encoder). The batch must be a multiple of G.
 */
public final class MoCoV2 implements SslMethod {
  /** Name scope of MoCo's own state: the queue {@code moco/keys}. */
  public static final String SCOPE = "moco";

  /** The op holding this step's keys (normalized, behind the stop-gradient), [N, D]. */
  public static final String BATCH_KEYS = SCOPE + "/batch_keys";

  /** The queue variable, [K, D]. */
  public static final String QUEUE = SCOPE + "/keys";

  private final MoCoConfig config;

  public MoCoV2(MoCoConfig config) {
    this.config = config.validate();
  }

  public MoCoConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "mocov2";
  }

  @Override
  public int numViews() {
    return 2;
  }

  @Override
  public MethodGraph build(MethodInput input) {
    Ops tf = input.tf();
    Encoder encoder = input.encoder();
    List<Operand<TFloat32>> views = input.views();
    long seed = input.seed();
    CrossReplicaBatch global = input.crossReplica().globalBatch();
    int groups = config.shuffleBnGroups();
    Mlp projector = projector();

    // Query encoder f_q and head: trained.
    VarStore online = input.trainableStore("online");
    Net net = Net.of(online, Mode.TRAIN);
    long onlineBefore = online.flops();
    Operand<TFloat32> y =
        inGroups(tf, views.get(0), groups, part -> encoder.apply(net.child("encoder"), part));
    long onlineExtra = extraFlops(online.flops() - onlineBefore, groups);
    Operand<TFloat32> z = projector.apply(net.child("projector"), y);
    Operand<TFloat32> q = Losses.l2Normalize(tf, z);

    // Key encoder f_k: a momentum copy of f_q, no gradient at all.
    VarStore key = VarStore.copyOf(tf, "key", online);
    Net keyNet = Net.of(key, Mode.TRAIN);
    Operand<TFloat32> x2 = views.get(1);
    long keyBefore = key.flops();
    Operand<TFloat32> yk =
        groups == 1
            ? encoder.apply(keyNet.child("encoder"), x2)
            : unshuffle(
                tf,
                inGroups(
                    tf,
                    shuffle(tf, x2, groups),
                    groups,
                    part -> encoder.apply(keyNet.child("encoder"), part)),
                groups);
    long keyExtra = extraFlops(key.flops() - keyBefore, groups);
    Ops moco = tf.withSubScope(SCOPE);
    Operand<TFloat32> k =
        moco.withName("batch_keys")
            .stopGradient(Losses.l2Normalize(tf, projector.apply(keyNet.child("projector"), yk)));

    // The dictionary: the loss reads the queue before this step's enqueue.
    KeyQueue queue = KeyQueue.create(moco, config.queueSize(), projector.outputDim(), seed + 2);
    Ops lossOps = tf.withSubScope("loss");
    Operand<TFloat32> loss =
        InfoNce.loss(lossOps, q, k, queue.read(lossOps), (float) config.temperature());

    return MethodGraph.builder()
        .loss(lossOps.withName("total").identity(loss))
        .online(online)
        .projection(z)
        .representation(y)
        .target(new TargetEma(online, key))
        .trainedFlops(online.flops() - onlineExtra)
        .frozenFlops(key.flops() - keyExtra)
        // THE QUEUE UPDATE, after the optimizer step: enqueue k, drop the oldest. Replicated,
        // every replica enqueues the keys of all replicas (MoCo's concat_all_gather), so that
        // the queues stay identical and hold the global batch's keys.
        .afterUpdate(List.of(after -> queue.enqueue(after, globalKeys(after, k, global))))
        .build();
  }

  /** The keys of every replica's batch, or {@code k} itself in a single process. */
  private static Operand<TFloat32> globalKeys(
      Ops tf, Operand<TFloat32> k, CrossReplicaBatch global) {
    return global == null ? k : global.gather(tf, k);
  }

  /** The MLP head: Linear(2048) → ReLU → Linear(128), with biases and no batch norm. */
  @Override
  public Mlp projector() {
    return new Mlp(config.projectorDims(), false, false, false);
  }

  /**
   * Applies {@code network} to {@code groups} contiguous blocks of {@code x} (one BN batch each,
   * the simulated GPUs) and concatenates the outputs in order.
   */
  private static Operand<TFloat32> inGroups(
      Ops tf, Operand<TFloat32> x, int groups, UnaryOperator<Operand<TFloat32>> network) {
    if (groups == 1) {
      return network.apply(x);
    }
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    for (Operand<TFloat32> part : tf.split(tf.constant(0), x, (long) groups).output()) {
      outputs.add(network.apply(part));
    }
    return tf.concat(outputs, tf.constant(0));
  }

  /** Reorders the batch so that block j holds samples j, j + G, j + 2G, ... */
  static Operand<TFloat32> shuffle(Ops tf, Operand<TFloat32> x, int groups) {
    Operand<TInt32> n = tf.gather(tf.shape(x), tf.constant(0), tf.constant(0));
    Operand<TInt32> index = tf.range(tf.constant(0), n, tf.constant(1));
    Operand<TInt32> perm =
        tf.reshape(
            tf.linalg.transpose(
                tf.reshape(index, tf.constant(new int[] {-1, groups})),
                tf.constant(new int[] {1, 0})),
            tf.constant(new int[] {-1}));
    return tf.gather(x, perm, tf.constant(0));
  }

  /** The inverse of {@link #shuffle}: back to batch order. */
  static Operand<TFloat32> unshuffle(Ops tf, Operand<TFloat32> x, int groups) {
    Operand<TInt32> n = tf.gather(tf.shape(x), tf.constant(0), tf.constant(0));
    Operand<TInt32> index = tf.range(tf.constant(0), n, tf.constant(1));
    Operand<TInt32> inverse =
        tf.reshape(
            tf.linalg.transpose(
                tf.reshape(index, tf.constant(new int[] {groups, -1})),
                tf.constant(new int[] {1, 0})),
            tf.constant(new int[] {-1}));
    return tf.gather(x, inverse, tf.constant(0));
  }

  /**
   * The store counts each application's FLOPs per image; G applications to G blocks of the batch
   * are one pass per image, so all but one are subtracted.
   */
  private static long extraFlops(long added, int groups) {
    return added - added / groups;
  }
}
