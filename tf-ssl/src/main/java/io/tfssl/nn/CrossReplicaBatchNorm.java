package io.tfssl.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Batch norm in training mode with statistics over every replica's batch (see {@link
 * CrossReplicaMoments}). The fused kernel computes the statistics of its own input only, so the
 * normalization is written out: each replica averages [mean x, mean x²] over the replicas in one
 * collective, then var = E[x²] − E[x]², y = (x − mean)·γ/√(var + ε) + β. The gradient flows through
 * the averaged statistics, as in a single batch of all replicas' samples.
 */
final class CrossReplicaBatchNorm {
  private CrossReplicaBatchNorm() {}

  /** {@code x4} is NHWC; returns the normalized tensor and registers the moving averages. */
  static Operand<TFloat32> apply(
      Net net,
      Operand<TFloat32> x4,
      Operand<TFloat32> scale,
      Operand<TFloat32> offset,
      long channels,
      CrossReplicaMoments moments) {
    Ops tf = net.tf();
    Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
    Operand<TFloat32> x = x4;
    Operand<TFloat32> localMean = tf.math.mean(x, axes);
    Operand<TFloat32> localSquare = tf.math.mean(tf.math.mul(x, x), axes);
    Operand<TFloat32> global =
        moments.mean(tf, tf.stack(java.util.List.of(localMean, localSquare)));
    Operand<TFloat32> mean = tf.gather(global, tf.constant(0), tf.constant(0));
    Operand<TFloat32> square = tf.gather(global, tf.constant(1), tf.constant(0));
    // E[x²] − E[x]² can round below zero when the variance is tiny next to the mean.
    Operand<TFloat32> variance =
        tf.math.maximum(tf.math.sub(square, tf.math.mul(mean, mean)), tf.constant(0f));
    Operand<TFloat32> inv =
        tf.math.mul(tf.math.rsqrt(tf.math.add(variance, tf.constant(BatchNorm.EPSILON))), scale);
    Operand<TFloat32> y =
        tf.math.add(tf.math.mul(x, inv), tf.math.sub(offset, tf.math.mul(mean, inv)));
    VarStore store = net.store();
    if (store.updatesMovingStatistics()) {
      // As the fused kernel does, the moving variance takes the unbiased batch variance:
      // n/(n−1) with n the samples of all replicas (N·H·W per replica).
      Operand<TFloat32> perReplica =
          tf.dtypes.cast(tf.math.div(tf.size(x4), tf.constant((int) channels)), TFloat32.class);
      Operand<TFloat32> n = tf.math.mul(perReplica, tf.constant((float) moments.replicas()));
      Operand<TFloat32> unbiased =
          tf.math.mul(
              variance,
              tf.math.div(n, tf.math.maximum(tf.math.sub(n, tf.constant(1f)), tf.constant(1f))));
      Operand<TFloat32> batchMean = tf.stopGradient(mean);
      Operand<TFloat32> batchVariance = tf.stopGradient(unbiased);
      Variable<TFloat32> movingMean = BatchNorm.movingMean(net, channels);
      Variable<TFloat32> movingVariance = BatchNorm.movingVariance(net, channels);
      store.chainUpdate(
          net.path() + "/moving_mean", ops -> BatchNorm.movingAverage(ops, movingMean, batchMean));
      store.chainUpdate(
          net.path() + "/moving_variance",
          ops -> BatchNorm.movingAverage(ops, movingVariance, batchVariance));
      // The trainer's finite check watches the statistics, as with the fused kernel.
      store.watchStatistics(batchMean, batchVariance);
    }
    return y;
  }
}
