package io.tfssl.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Batch normalization (Ioffe and Szegedy 2015) on NHWC or [N, D] inputs, with the fused kernel.
 *
 * <p>Training mode normalizes with the batch's statistics and registers an update of the moving
 * averages (momentum 0.9, PyTorch's 0.1); inference mode normalizes with the moving averages, as an
 * exported encoder does. {@code affine=false} drops gamma and beta: SimSiam's projector ends in
 * such a BN (Chen and He 2021, §4.3 and its builder: "BN without affine").
 *
 * <p>When the network's {@link VarStore} has {@link CrossReplicaMoments} (synchronized BN across
 * data-parallel workers), training mode takes its statistics over all replicas' batches instead.
 */
public final class BatchNorm {
  /** Weight of the old value in the moving averages. */
  public static final float MOMENTUM = 0.9f;

  /** PyTorch's default epsilon, as in the papers' reference code. */
  public static final float EPSILON = 1e-5f;

  private BatchNorm() {}

  public static Operand<TFloat32> apply(Net net, Operand<TFloat32> x, boolean affine) {
    return apply(net, x, affine, Initializer.constant(1f));
  }

  /** With a chosen gamma initializer: zero-init residual sets the last BN of a block to 0. */
  public static Operand<TFloat32> apply(
      Net net, Operand<TFloat32> x, boolean affine, Initializer gammaInit) {
    int rank = x.shape().numDimensions();
    long c = x.shape().get(rank - 1);
    Ops tf = net.tf();
    VarStore store = net.store();
    Operand<TFloat32> scale;
    Operand<TFloat32> offset;
    if (affine) {
      scale = tf.identity(store.variable(net.path(), "gamma", ParamKind.BN_SCALE, gammaInit, c));
      offset =
          tf.identity(
              store.variable(net.path(), "beta", ParamKind.BN_OFFSET, Initializer.constant(0f), c));
    } else {
      scale = tf.fill(tf.constant(new int[] {(int) c}), tf.constant(1f));
      offset = tf.fill(tf.constant(new int[] {(int) c}), tf.constant(0f));
    }
    // The fused kernel wants 4-D input; a [N, D] activation is viewed as [N, 1, 1, D].
    Operand<TFloat32> x4 =
        rank == 4 ? x : tf.reshape(x, tf.constant(new int[] {-1, 1, 1, (int) c}));
    Operand<TFloat32> y;
    CrossReplicaMoments crossReplica = store.crossReplicaMoments();
    if (net.training() && crossReplica != null) {
      y = CrossReplicaBatchNorm.apply(net, x4, scale, offset, c, crossReplica);
    } else if (net.training()) {
      FusedBatchNorm<TFloat32, TFloat32> bn =
          tf.nn.fusedBatchNorm(
              x4,
              scale,
              offset,
              tf.constant(new float[0]),
              tf.constant(new float[0]),
              FusedBatchNorm.epsilon(EPSILON),
              FusedBatchNorm.isTraining(true));
      if (store.updatesMovingStatistics()) {
        Variable<TFloat32> mean = movingMean(net, c);
        Variable<TFloat32> var = movingVariance(net, c);
        store.chainUpdate(
            net.path() + "/moving_mean", ops -> movingAverage(ops, mean, bn.batchMean()));
        store.chainUpdate(
            net.path() + "/moving_variance", ops -> movingAverage(ops, var, bn.batchVariance()));
        store.watchStatistics(bn.batchMean(), bn.batchVariance());
      }
      y = bn.y();
    } else {
      y =
          tf.nn
              .fusedBatchNorm(
                  x4,
                  scale,
                  offset,
                  tf.identity(movingMean(net, c)),
                  tf.identity(movingVariance(net, c)),
                  FusedBatchNorm.epsilon(EPSILON),
                  FusedBatchNorm.isTraining(false))
              .y();
    }
    return rank == 4 ? y : tf.reshape(y, tf.constant(new int[] {-1, (int) c}));
  }

  static Variable<TFloat32> movingMean(Net net, long c) {
    return net.store().variable(net.path(), "moving_mean", null, Initializer.constant(0f), c);
  }

  static Variable<TFloat32> movingVariance(Net net, long c) {
    return net.store().variable(net.path(), "moving_variance", null, Initializer.constant(1f), c);
  }

  static org.tensorflow.op.Op movingAverage(
      Ops tf, Variable<TFloat32> avg, Operand<TFloat32> batchValue) {
    Operand<TFloat32> old = tf.identity(avg);
    Operand<TFloat32> updated =
        tf.math.add(
            tf.math.mul(old, tf.constant(MOMENTUM)),
            tf.math.mul(batchValue, tf.constant(1f - MOMENTUM)));
    // A non-finite batch statistic (overflowing activations) is never averaged in: the moving
    // statistics are saved with every checkpoint, which must stay usable. The trainer's finite
    // check stops the run at such a step anyway; this keeps the statistics clean while it does.
    Operand<TBool> finite = tf.all(tf.math.isFinite(updated), tf.constant(new int[] {0}));
    return tf.assign(avg, tf.select(finite, updated, old));
  }
}
