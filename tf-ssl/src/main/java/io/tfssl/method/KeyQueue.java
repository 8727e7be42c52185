package io.tfssl.method;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MoCo's dictionary: a queue of the K most recent keys (He et al. 2020, §3.2 "Dictionary as a
 * queue"; Algorithm 1, {@code enqueue(queue, k)} and {@code dequeue(queue)}), held in the graph as
 * one ref variable [K, D].
 *
 * <p><b>Order.</b> Row 0 is the oldest key and row K − 1 the newest; within one batch, keys keep
 * the batch order. After a step on a batch of N keys k₁..k_N the queue is the last K rows of
 * [queue; k₁; ...; k_N]: the N oldest rows are dropped and the batch appended at the end. So after
 * any number of steps the queue holds exactly the last K keys enqueued, oldest first (with N ≥ K,
 * the last K keys of the batch). Any K and N work; no pointer is needed.
 *
 * <p>It starts as K random unit vectors (a stateless normal draw seeded by the run's seed, then
 * l2-normalized, as MoCo's {@code randn} + {@code normalize}), so the first steps contrast with
 * noise, as in the paper.
 *
 * <p>The loss reads the queue through {@link #read}; {@link #enqueue} must run after the optimizer
 * update (a control dependency set by the trainer, {@link MethodGraph#afterUpdate()}), so the
 * current batch's keys are never negatives of their own queries, and a step is deterministic (one
 * writer, ordered after every reader). The variable is saved in checkpoints like any other, so a
 * resumed run continues with the same queue.
 */
public final class KeyQueue {
  private final Variable<TFloat32> keys;
  private final int size;
  private final int dim;

  private KeyQueue(Variable<TFloat32> keys, int size, int dim) {
    this.keys = keys;
    this.size = size;
    this.dim = dim;
  }

  /**
   * Creates the queue variable {@code keys} in {@code tf}'s name scope.
   *
   * @param size K, the number of negative keys
   * @param dim D, the width of a key
   */
  public static KeyQueue create(Ops tf, int size, int dim, long seed) {
    if (size <= 0 || dim <= 0) {
      throw new IllegalArgumentException(
          "queue size and key width must be positive, got " + size + " and " + dim);
    }
    Ops init = tf.withInitScope();
    Operand<TFloat32> normal =
        init.random.statelessRandomNormal(
            init.constant(new long[] {size, dim}),
            init.constant(new long[] {seed >>> 32, seed & 0xffffffffL}),
            TFloat32.class);
    Variable<TFloat32> keys = tf.withName("keys").variable(Losses.l2Normalize(init, normal));
    return new KeyQueue(keys, size, dim);
  }

  /** The variable, [K, D], oldest key in row 0. */
  public Variable<TFloat32> variable() {
    return keys;
  }

  public int size() {
    return size;
  }

  public int dim() {
    return dim;
  }

  /**
   * The queue as the loss sees it (this step's negatives), behind a stop-gradient: the keys are
   * constants for the loss, as in MoCo where the queue is a buffer.
   */
  public Operand<TFloat32> read(Ops tf) {
    return tf.stopGradient(tf.identity(keys));
  }

  /**
   * Enqueues {@code batchKeys} [N, D] and drops the N oldest keys: queue ← last K rows of [queue;
   * batchKeys]. {@code after} must carry the control dependency on the optimizer update.
   */
  public Op enqueue(Ops after, Operand<TFloat32> batchKeys) {
    Operand<TFloat32> all =
        after.concat(List.of(after.identity(keys), batchKeys), after.constant(0));
    // int32 offsets and sizes: on a GPU they stay in host memory, where Slice reads them
    Operand<TInt32> n = after.gather(after.shape(batchKeys), after.constant(0), after.constant(0));
    Operand<TFloat32> newest =
        after.slice(
            all, after.stack(List.of(n, after.constant(0))), after.constant(new int[] {size, dim}));
    return after.withName("enqueue").assign(keys, newest);
  }
}
