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
 * <p>Semantics (TF's collective_ops): every replica builds the same op with the same
 * {@code group_size}, {@code group_key} and {@code instance_key}; the runtime matches the ops of
 * one instance across the group (the group is formed through the leader named in
 * {@code ConfigProto.experimental.collective_group_leader}) and returns the reduction on every
 * member. Here one group holds all replicas, and each op of a graph gets its own instance key
 * from a counter: the workers build identical graphs in the same order, so the keys agree
 * without any exchange. An instance key is reused by every step; the ring algorithm finishes on
 * a worker only after its peers consumed its data, so consecutive steps cannot mix.
 *
 * <p>{@code timeout_seconds} bounds both the wait for the group to form and each execution: a
 * peer that died leaves the others with a {@code DeadlineExceeded} error instead of a hang.
 * {@code communication_hint} is {@code auto} (ring over gRPC between hosts), {@code ring} or
 * {@code nccl} (GPUs).
 *
 * <p>The V2 op is not in TF Java's typed API, so it is built with {@code opBuilder}; it has no
 * C++ gradient, so {@link #registerGradient()} adds one (needed by synchronized batch norm,
 * whose statistics are all-reduced inside the differentiated forward pass).
 */
final class Collectives {
  static final String OP = "CollectiveReduceV2";
  /** The group of all replicas. */
  static final int GROUP_KEY = 1;
  /** Gradient ops use the forward op's instance key plus this (forward keys stay below it). */
  static final int GRADIENT_KEY_OFFSET = 1 << 20;

  private final int groupSize;
  private final float timeoutSeconds;
  private final String communication;
  private int nextInstanceKey = 1;

  /**
   * @param groupSize replicas in the group
   * @param timeoutSeconds how long an op may wait for its peers (0: forever)
   * @param communication {@code auto}, {@code ring} or {@code nccl}
   */
  Collectives(int groupSize, double timeoutSeconds, String communication) {
    this.groupSize = groupSize;
    this.timeoutSeconds = (float) timeoutSeconds;
    this.communication = communication;
    registerGradient();
  }

  int groupSize() {
    return groupSize;
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
    int key = nextInstanceKey++;
    if (key >= GRADIENT_KEY_OFFSET) {
      throw new IllegalStateException("more than " + GRADIENT_KEY_OFFSET + " collectives");
    }
    GraphOperation op = (GraphOperation) tf.scope().opBuilder(OP, "all_reduce")
        .addInput(x.asOutput())
        .addInput(tf.constant(groupSize).asOutput())
        .addInput(tf.constant(GROUP_KEY).asOutput())
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
   * uses the forward op's group and its instance key plus {@link #GRADIENT_KEY_OFFSET}, read
   * from the forward op's inputs, so it is the same on every worker.
   */
  static synchronized void registerGradient() {
    if (gradientRegistered) {
      return;
    }
    TensorFlow.registerCustomGradient(OP, (tf, op, upstream) -> {
      String merge = op.attributes().getAttrString("merge_op");
      if (!merge.equals("Add")) {
        throw new IllegalStateException("no gradient for a collective " + merge);
      }
      Operand<?> key = tf.math.add(asInt(op.input(3)), tf.constant(GRADIENT_KEY_OFFSET));
      GraphOperation grad = (GraphOperation) tf.scope().opBuilder(OP, "all_reduce_grad")
          .addInput(upstream.get(0))
          .addInput(op.input(1))
          .addInput(op.input(2))
          .addInput(key.asOutput())
          .addInputList(new Output<?>[0])
          .setAttr("merge_op", "Add")
          .setAttr("final_op", op.attributes().getAttrString("final_op"))
          .setAttr("communication_hint", op.attributes().getAttrString("communication_hint"))
          .setAttr("timeout_seconds", op.attributes().getAttrFloat("timeout_seconds"))
          // The C++ gradient builder places nothing; a collective must run on its member's
          // device (two members on one device would collide).
          .setDevice(op.device())
          .build();
      return List.of(grad.output(0), tf.zerosLike(op.input(1)), tf.zerosLike(op.input(2)),
          tf.zerosLike(op.input(3)));
    });
    gradientRegistered = true;
  }

  @SuppressWarnings("unchecked")
  private static Operand<org.tensorflow.types.TInt32> asInt(Output<?> o) {
    return (Operand<org.tensorflow.types.TInt32>) o;
  }
}
