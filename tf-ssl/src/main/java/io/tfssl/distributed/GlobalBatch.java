package io.tfssl.distributed;

import io.tfssl.method.CrossReplicaBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The global batch over the collectives of all replicas. A gather is written as an all-reduce sum:
 * each replica places its slice at its own rows of a zero tensor of the global size, and the sum is
 * the concatenation. It moves replicas times more bytes than {@code CollectiveGather} would, but it
 * reuses the all-reduce and the gradient registered for it (the sum over replicas of the upstream
 * gradients, then the pad's gradient cuts this replica's rows), which is exactly the gradient a
 * gather needs. The losses gather small [n, d] projections, so the extra bytes do not matter next
 * to the gradients.
 */
final class GlobalBatch implements CrossReplicaBatch {
  private final Collectives collectives;
  private final IntSupplier replica;

  /** {@code replica} tells the index of the replica whose graph is being built. */
  GlobalBatch(Collectives collectives, IntSupplier replica) {
    this.collectives = collectives;
    this.replica = replica;
  }

  @Override
  public int replicas() {
    return collectives.groupSize();
  }

  @Override
  public int replica() {
    return replica.getAsInt();
  }

  @Override
  public Operand<TFloat32> gather(Ops tf, Operand<TFloat32> local) {
    int rank = local.shape().numDimensions();
    if (rank < 1) {
      throw new IllegalArgumentException("cannot gather a scalar");
    }
    Ops g = tf.withSubScope("global_batch");
    Operand<TInt32> n = g.gather(g.shape(local), g.constant(0), g.constant(0));
    int r = replica();
    Operand<TInt32> before = g.math.mul(n, g.constant(r));
    Operand<TInt32> after = g.math.mul(n, g.constant(replicas() - 1 - r));
    List<Operand<TInt32>> rows = new ArrayList<>();
    rows.add(g.stack(List.of(before, after)));
    for (int i = 1; i < rank; i++) {
      rows.add(g.constant(new int[] {0, 0}));
    }
    Operand<TFloat32> placed = g.pad(local, g.stack(rows), g.constant(0f));
    return collectives.sum(g, placed);
  }

  @Override
  public Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x) {
    return collectives.sum(tf.withSubScope("global_batch"), x);
  }

  @Override
  public Operand<TFloat32> max(Ops tf, Operand<TFloat32> x) {
    return collectives.max(tf.withSubScope("global_batch"), x);
  }
}
