package io.tfssl.distributed;

import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow's collective all-reduce ({@code CollectiveReduceV2}) between the replicas of one
 * graph-building process and its peers.
 *
 * <p>Semantics (TF's collective_ops): every replica builds the same op with the same {@code
 * group_size}, {@code group_key} and {@code instance_key}; the runtime matches the ops of one
 * instance across the group (the group is formed through the leader named in {@code
 * ConfigProto.experimental.collective_group_leader}) and returns the reduction on every member.
 * Here one group holds all replicas, and each op of a graph gets its own instance key from a
 * counter: the workers build identical graphs in the same order, so the keys agree without any
 * exchange. An instance key is reused by every step; the ring algorithm finishes on a worker only
 * after its peers consumed its data, so consecutive steps cannot mix.
 *
 * <p>Towers (several replicas in one graph, one per device): the graph holds one op per tower for
 * each collective, all with the same instance key. {@link #startTower(int)} rewinds the counter at
 * the start of every tower, so that the k-th collective of each tower gets the same key as long as
 * the towers are built alike (they are: the same code builds each). A second group over the same
 * replicas' processes ({@link #subgroup}) shares the counter, so that no two collectives of the
 * graph ever share a key.
 *
 * <p>{@code timeout_seconds} bounds both the wait for the group to form and each execution: a peer
 * that died leaves the others with a {@code DeadlineExceeded} error instead of a hang. {@code
 * communication_hint} is {@code auto} (ring over gRPC between hosts), {@code ring} or {@code nccl}
 * (GPUs).
 *
 * <p>The V2 op is not in TF Java's typed API, so it is built with {@code opBuilder}; it has no C++
 * gradient, so {@link #registerGradient()} adds one (needed by synchronized batch norm, whose
 * statistics are all-reduced inside the differentiated forward pass).
 */
final class Collectives {
  static final String OP = "CollectiveReduceV2";

  /** The group of all replicas. */
  static final int GROUP_KEY = 1;

  /** Gradient ops use the forward op's instance key plus this (forward keys stay below it). */
  static final int GRADIENT_KEY_OFFSET = 1 << 20;

  private final int groupKey;
  private final int groupSize;
  private final float timeoutSeconds;
  private final String communication;
  private final InstanceKeys keys;

  /** The instance-key counter, shared by the groups of one graph. */
  private static final class InstanceKeys {
    int next = 1;

    /** The key the first tower started at, or -1 before any tower. */
    int towersStart = -1;

    /** The key after the first tower, to check that the others used as many. */
    int firstTowerEnd = -1;
  }

  /**
   * @param groupSize replicas in the group
   * @param timeoutSeconds how long an op may wait for its peers (0: forever)
   * @param communication {@code auto}, {@code ring} or {@code nccl}
   */
  Collectives(int groupSize, double timeoutSeconds, String communication) {
    this(GROUP_KEY, groupSize, timeoutSeconds, communication, new InstanceKeys());
  }

  private Collectives(
      int groupKey, int groupSize, double timeoutSeconds, String communication, InstanceKeys keys) {
    this.groupKey = groupKey;
    this.groupSize = groupSize;
    this.timeoutSeconds = (float) timeoutSeconds;
    this.communication = communication;
    this.keys = keys;
    registerGradient();
  }

  /**
   * Another group of {@code size} members (one per worker, say, where this one has a member per
   * tower), numbering its collectives with this group's counter.
   */
  Collectives subgroup(int key, int size) {
    if (key == groupKey) {
      throw new IllegalArgumentException("group key " + key + " is this group's");
    }
    return new Collectives(key, size, timeoutSeconds, communication, keys);
  }

  int groupSize() {
    return groupSize;
  }

  /**
   * Called before building tower {@code tower} (0, 1, ... in order): its collectives take the same
   * instance keys as tower 0's.
   */
  void startTower(int tower) {
    if (tower == 0) {
      keys.towersStart = keys.next;
      keys.firstTowerEnd = -1;
      return;
    }
    if (keys.towersStart < 0) {
      throw new IllegalStateException("tower " + tower + " started before tower 0");
    }
    int used = keys.next - keys.towersStart;
    if (keys.firstTowerEnd < 0) {
      keys.firstTowerEnd = keys.next;
    } else if (keys.next != keys.firstTowerEnd) {
      throw new IllegalStateException(
          "tower "
              + (tower - 1)
              + " built "
              + used
              + " collectives, tower 0 "
              + (keys.firstTowerEnd - keys.towersStart));
    }
    keys.next = keys.towersStart;
  }

  /** The element-wise mean over all replicas. */
  <T extends TType> Operand<T> mean(Ops tf, Operand<T> x) {
    return reduce(tf, x, "Add", "Div");
  }

  /** The element-wise sum over all replicas. */
  <T extends TType> Operand<T> sum(Ops tf, Operand<T> x) {
    return reduce(tf, x, "Add", "Id");
  }

  /** The element-wise maximum over all replicas. */
  <T extends TType> Operand<T> max(Ops tf, Operand<T> x) {
    return reduce(tf, x, "Max", "Id");
  }

  /** The element-wise minimum over all replicas. */
  <T extends TType> Operand<T> min(Ops tf, Operand<T> x) {
    return reduce(tf, x, "Min", "Id");
  }

  private <T extends TType> Operand<T> reduce(Ops tf, Operand<T> x, String merge, String last) {
    int key = keys.next++;
    if (key >= GRADIENT_KEY_OFFSET) {
      throw new IllegalStateException("more than " + GRADIENT_KEY_OFFSET + " collectives");
    }
    GraphOperation op =
        (GraphOperation)
            tf.scope()
                .opBuilder(OP, "all_reduce")
                .addInput(x.asOutput())
                .addInput(tf.constant(groupSize).asOutput())
                .addInput(tf.constant(groupKey).asOutput())
                .addInput(tf.constant(key).asOutput())
                .addInputList(new Output<?>[0])
                .setAttr("merge_op", merge)
                .setAttr("final_op", last)
                .setAttr("communication_hint", communication)
                .setAttr("timeout_seconds", timeoutSeconds)
                .build();
    @SuppressWarnings("unchecked")
    Output<T> out = (Output<T>) op.output(0);
    return out;
  }

  private static boolean gradientRegistered;

  /**
   * The gradient of an all-reduce mean (or sum) is the all-reduce mean (or sum) of the upstream
   * gradients. With J = (1/n) Σ_w L_w and the parameter gradients averaged over the n workers
   * afterwards, worker j's input x_j must receive (1/n) Σ_w ∂L_w/∂y for y = mean_j x_j, which is
   * the mean of the workers' upstream gradients (and their sum for y = Σ_j x_j). The gradient op
   * uses the forward op's group and its instance key plus {@link #GRADIENT_KEY_OFFSET}, read from
   * the forward op's inputs, so it is the same on every worker.
   */
  static synchronized void registerGradient() {
    if (gradientRegistered) {
      return;
    }
    TensorFlow.registerCustomGradient(
        OP,
        (tf, op, upstream) -> {
          String merge = op.attributes().getAttrString("merge_op");
          if (!merge.equals("Add")) {
            // A maximum or minimum over replicas is taken only where no gradient may flow (the
            // Sinkhorn codes, behind SwAV's stop-gradient; the start-up handshake). The gradient
            // builder still visits such an op when it lies between a stop-gradient and the loss;
            // what it returns there is cut off by the stop-gradient and never runs.
            return List.of(
                tf.zerosLike(op.input(0)),
                tf.zerosLike(op.input(1)),
                tf.zerosLike(op.input(2)),
                tf.zerosLike(op.input(3)));
          }
          Operand<?> key = tf.math.add(asInt(op.input(3)), tf.constant(GRADIENT_KEY_OFFSET));
          GraphOperation grad =
              (GraphOperation)
                  tf.scope()
                      .opBuilder(OP, "all_reduce_grad")
                      .addInput(upstream.get(0))
                      .addInput(op.input(1))
                      .addInput(op.input(2))
                      .addInput(key.asOutput())
                      .addInputList(new Output<?>[0])
                      .setAttr("merge_op", "Add")
                      .setAttr("final_op", op.attributes().getAttrString("final_op"))
                      .setAttr(
                          "communication_hint", op.attributes().getAttrString("communication_hint"))
                      .setAttr("timeout_seconds", op.attributes().getAttrFloat("timeout_seconds"))
                      // The C++ gradient builder places nothing; a collective must run on its
                      // member's
                      // device (two members on one device would collide).
                      .setDevice(op.device())
                      .build();
          return List.of(
              grad.output(0),
              tf.zerosLike(op.input(1)),
              tf.zerosLike(op.input(2)),
              tf.zerosLike(op.input(3)));
        });
    gradientRegistered = true;
  }

  @SuppressWarnings("unchecked")
  private static Operand<org.tensorflow.types.TInt32> asInt(Output<?> o) {
    return (Operand<org.tensorflow.types.TInt32>) o;
  }
}
