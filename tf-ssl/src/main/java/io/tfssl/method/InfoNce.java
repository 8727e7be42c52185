package io.tfssl.method;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * MoCo's contrastive loss, InfoNCE with a dictionary of negative keys (He et al. 2020, "Momentum
 * Contrast for Unsupervised Visual Representation Learning", §3.1, Eq. 1, and its Algorithm 1):
 *
 * <pre>
 *   L_q = −log [ exp(q·k₊/τ) / (exp(q·k₊/τ) + Σ_{k₋ ∈ queue} exp(q·k₋/τ)) ]
 * </pre>
 *
 * averaged over the batch. As in Algorithm 1 the logits are [l_pos, l_neg] (N×(1+K)) and the
 * positive is class 0; the cross-entropy is −logSoftmax(logits)[:, 0].
 */
public final class InfoNce {
  private InfoNce() {}

  /**
   * @param q queries [N, D], l2-normalized
   * @param positiveKeys the key of each query's own image [N, D], l2-normalized
   * @param negativeKeys the queue [K, D], l2-normalized
   * @param temperature τ &gt; 0 (MoCo v2: 0.2)
   */
  public static Operand<TFloat32> loss(
      Ops tf,
      Operand<TFloat32> q,
      Operand<TFloat32> positiveKeys,
      Operand<TFloat32> negativeKeys,
      float temperature) {
    Operand<TFloat32> positive =
        tf.reduceSum(tf.math.mul(q, positiveKeys), tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> negative =
        tf.linalg.matMul(q, negativeKeys, org.tensorflow.op.linalg.MatMul.transposeB(true));
    Operand<TFloat32> logits =
        tf.math.div(
            tf.concat(List.of(positive, negative), tf.constant(1)), tf.constant(temperature));
    Operand<TFloat32> logProbPositive =
        tf.slice(
            tf.nn.logSoftmax(logits),
            tf.constant(new int[] {0, 0}),
            tf.constant(new int[] {-1, 1}));
    return tf.math.neg(tf.math.mean(logProbPositive, tf.constant(new int[] {0, 1})));
  }
}
