package io.tfssl.distributed;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The mean of every replica's gradients, in one all-reduce: the gradients are flattened into one
 * buffer, reduced, and cut back into their shapes. One collective per step instead of one per
 * parameter tensor saves a round of latency per tensor (Horovod's "tensor fusion" and TF's
 * scoped-allocator packing of {@code CollectiveReduce} do the same).
 */
final class GradientAllReduce {
  private GradientAllReduce() {}

  static List<Operand<TFloat32>> mean(
      Collectives collectives, Ops tf, List<Operand<TFloat32>> gradients) {
    if (gradients.isEmpty()) {
      return gradients;
    }
    Ops ops = tf.withSubScope("gradient_all_reduce");
    Operand<TFloat32> reduced = collectives.mean(ops, FlatBuffer.pack(ops, gradients));
    return FlatBuffer.unpack(ops, reduced, gradients.stream().map(Operand::shape).toList());
  }
}
