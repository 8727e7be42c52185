package io.tfssl.method;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The similarity D(p, z) that SimSiam's loss minimizes (Chen and He 2021, §4.5 and Table 5):
 * negative cosine (the default) or cross-entropy between softmax distributions.
 */
public enum Similarity {
  /** D(p, z) = −(p/‖p‖)·(z/‖z‖), averaged over the batch. */
  COSINE,
  /** D(p, z) = −softmax(z)·log softmax(p), averaged over the batch (the paper's 63.2% row). */
  CROSS_ENTROPY;

  /** The batch mean of D(p, z) as a scalar. */
  public Operand<TFloat32> distance(Ops tf, Operand<TFloat32> p, Operand<TFloat32> z) {
    Operand<TFloat32> perSample =
        switch (this) {
          case COSINE -> tf.math.neg(Losses.cosine(tf, p, z));
          case CROSS_ENTROPY ->
              tf.math.neg(
                  tf.reduceSum(tf.math.mul(tf.nn.softmax(z), tf.nn.logSoftmax(p)), tf.constant(1)));
        };
    return tf.math.mean(perSample, tf.constant(0));
  }
}
