package io.tfssl.method;

import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * SwAV's online codes: the Sinkhorn-Knopp algorithm in the graph (Caron et al. 2020, "Unsupervised
 * Learning of Visual Features by Contrasting Cluster Assignments", §3.1 "Online clustering", Eq.
 * 3-4, and the {@code sinkhorn} function of Algorithm 1 / App. A.1).
 *
 * <p>The codes Q of a batch of B samples over K prototypes solve an entropy-regularized optimal
 * transport problem: maximize Tr(Qᵀ Cᵀ Z) + ε H(Q) over the transportation polytope, i.e. every
 * prototype gets B/K samples' worth of mass (equipartition) and every sample a unit of mass. The
 * solution is Q = Diag(u) exp(CᵀZ/ε) Diag(v); Sinkhorn-Knopp finds u and v by normalizing the rows
 * and the columns in turn. The paper's Q is K×B; this class works on its transpose, the [B, K]
 * {@code scores}, with the same steps in the same order:
 *
 * <pre>
 *   Q ← exp(scores/ε);  Q ← Q / ΣQ
 *   repeat n times:
 *     Q ← Q / (column sums) / K      every prototype (column) sums to 1/K
 *     Q ← Q / (row sums) / B         every sample (row) sums to 1/B
 *   Q ← Q · B                        rows sum to 1: a soft assignment of each sample
 * </pre>
 *
 * After n iterations the rows (normalized last) sum to 1 up to float rounding, and each column sums
 * to B/K only approximately: the paper stops after 3 iterations, which is enough for the codes to
 * be balanced without being exact. The codes are computed under a stop-gradient: they are targets,
 * and no gradient flows into or through them ("with torch.no_grad()" in the paper's pseudo-code).
 */
public final class SinkhornKnopp {
  private SinkhornKnopp() {}

  /**
   * The codes of {@code scores} [B, K] (z·c for every sample and prototype), [B, K], rows summing
   * to 1 and columns to about B/K, behind a stop-gradient.
   *
   * @param iterations Sinkhorn iterations (SwAV: 3)
   * @param epsilon the entropy regularization ε (SwAV: 0.05)
   */
  public static Operand<TFloat32> codes(
      Ops tf, Operand<TFloat32> scores, int iterations, float epsilon) {
    return codes(tf, scores, iterations, epsilon, null);
  }

  /**
   * As above, over the samples of all data-parallel replicas when {@code global} is not null
   * (SwAV's {@code distributed_sinkhorn}); {@code scores} are this replica's rows.
   */
  public static Operand<TFloat32> codes(
      Ops tf, Operand<TFloat32> scores, int iterations, float epsilon, CrossReplicaBatch global) {
    if (iterations < 1) {
      throw new IllegalArgumentException(
          "Sinkhorn needs at least one iteration, got " + iterations);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
    }
    long k = scores.shape().get(1);
    if (k <= 0) {
      throw new IllegalArgumentException("the scores need a static number of prototypes");
    }
    // THE STOP-GRADIENT of SwAV: the codes are computed from a constant copy of the scores.
    Operand<TFloat32> s = tf.stopGradient(scores);
    // Replicated, the samples are those of all replicas (SwAV's distributed_sinkhorn): B is the
    // global batch, and every sum over samples, and the maximum, is taken over all replicas.
    UnaryOperator<Operand<TFloat32>> acrossSamples =
        global == null ? x -> x : x -> global.sum(tf, x);
    Operand<TFloat32> b =
        tf.dtypes.cast(tf.gather(tf.shape(s), tf.constant(0), tf.constant(0)), TFloat32.class);
    Operand<TFloat32> max =
        tf.reduceMax(s, tf.constant(new int[] {0, 1}), ReduceMax.keepDims(true));
    if (global != null) {
      b = tf.math.mul(b, tf.constant((float) global.replicas()));
      max = global.max(tf, max);
    }
    // exp((s − max s)/ε): the same matrix as exp(s/ε) after the first normalization, but it
    // cannot overflow when the scores are not cosine similarities.
    Operand<TFloat32> logits = tf.math.div(tf.math.sub(s, max), tf.constant(epsilon));
    Operand<TFloat32> q = tf.math.exp(logits);
    q =
        tf.math.div(
            q,
            acrossSamples.apply(
                tf.reduceSum(q, tf.constant(new int[] {0, 1}), ReduceSum.keepDims(true))));
    for (int i = 0; i < iterations; i++) {
      // Prototype marginal: each column sums to 1/K.
      q =
          tf.math.div(
              q,
              tf.math.mul(
                  acrossSamples.apply(tf.reduceSum(q, tf.constant(0), ReduceSum.keepDims(true))),
                  tf.constant((float) k)));
      // Sample marginal: each row sums to 1/B.
      q = tf.math.div(q, tf.math.mul(tf.reduceSum(q, tf.constant(1), ReduceSum.keepDims(true)), b));
    }
    return tf.math.mul(q, b);
  }
}
