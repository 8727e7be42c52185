package io.tfssl.features;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Softmax classification ops shared by the probes and fine-tuning.
 *
 * <p>The cross-entropy is written as −Σ onehot·logSoftmax rather than with
 * SparseSoftmaxCrossEntropyWithLogits, which has no registered gradient in TF Java 1.1.0
 * (docs/tensorflow-java.md §1).
 */
public final class Classification {
  private Classification() {}

  /** Mean cross-entropy of {@code logits} [N, C] against int labels [N]. */
  public static Operand<TFloat32> crossEntropy(
      Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels, int numClasses) {
    Operand<TFloat32> onehot =
        tf.oneHot(labels, tf.constant(numClasses), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> perExample =
        tf.math.neg(tf.reduceSum(tf.math.mul(onehot, tf.nn.logSoftmax(logits)), tf.constant(1)));
    return tf.math.mean(perExample, tf.constant(0));
  }

  /** Fraction of rows whose argmax equals the label. */
  public static Operand<TFloat32> accuracy(
      Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels) {
    Operand<TInt64> predicted = tf.math.argMax(logits, tf.constant(1));
    Operand<TFloat32> correct =
        tf.dtypes.cast(
            tf.math.equal(predicted, tf.dtypes.cast(labels, TInt64.class)), TFloat32.class);
    return tf.math.mean(correct, tf.constant(0));
  }
}
