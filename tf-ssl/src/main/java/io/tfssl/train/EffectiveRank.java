package io.tfssl.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.Svd;
import org.tensorflow.types.TFloat32;

/**
 * RankMe, the effective rank of a batch of embeddings (Garrido et al., "RankMe: Assessing the
 * downstream performance of pretrained self-supervised representations by their rank", ICML 2023,
 * eq. 1): with σ the singular values of the [N, d] matrix,
 *
 * <pre>
 *   p_k = σ_k / ‖σ‖₁ + ε,   rank = exp(−Σ_k p_k log p_k)      (ε = 1e-7, as in the paper)
 * </pre>
 *
 * <p>It is the exponential of the entropy of the normalized spectrum: k for a matrix with k equal
 * non-zero singular values, 1 for a matrix of identical rows, and at most min(N, d). It sees
 * dimensional collapse (the representation spanning only a few directions, Jing et al. 2022; Li et
 * al. 2022's "partial dimensional collapse" of SimSiam on small models), which SimSiam's std·√d
 * ({@link CollapseMonitor}) does not when the projector ends in batch norm: BN re-standardizes
 * every dimension over the batch, so the std stays near 1 while the batch collapses onto a few
 * directions.
 *
 * <p>The matrix is not centred, as in the paper: a batch of identical rows must read 1, not 0/0.
 * For the projector output z, whose last layer is batch norm, the batch is centred by that layer
 * anyway; the encoder output y (after ReLU and pooling, non-negative) keeps its mean direction,
 * which counts as one of the directions used.
 */
public final class EffectiveRank {
  /** The ε the paper adds to every normalized singular value. */
  static final float EPSILON = 1e-7f;

  private EffectiveRank() {}

  /** RankMe of the rows of {@code embeddings} ([N, d], float32), built in the graph. */
  public static Operand<TFloat32> rankMe(Ops tf, Operand<TFloat32> embeddings) {
    // Singular values only: computeUv(false) skips the (large) U and V factors.
    Svd<TFloat32> svd = tf.linalg.svd(embeddings, Svd.computeUv(false), Svd.fullMatrices(false));
    Operand<TFloat32> sigma = svd.s();
    Operand<TFloat32> l1 =
        tf.math.maximum(tf.reduceSum(sigma, tf.constant(0)), tf.constant(Float.MIN_NORMAL));
    Operand<TFloat32> p = tf.math.add(tf.math.div(sigma, l1), tf.constant(EPSILON));
    Operand<TFloat32> entropy =
        tf.math.neg(tf.reduceSum(tf.math.mul(p, tf.math.log(p)), tf.constant(0)));
    return tf.math.exp(entropy);
  }
}
