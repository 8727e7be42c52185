package io.tfssl.method;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * SimCLR's contrastive loss, NT-Xent (normalized temperature-scaled cross entropy; Chen et al.
 * 2020, "A Simple Framework for Contrastive Learning of Visual Representations", §2.1, Eq. 1 and
 * Algorithm 1).
 *
 * <p>The 2N projections of a batch (two views of N images) are l2-normalized; each one, the anchor
 * i, has one positive, the other view of its image j(i), and 2N − 2 negatives, every other
 * projection of the batch:
 *
 * <pre>
 *   ℓ(i, j) = −log [ exp(zᵢ·zⱼ / t) / Σ_{k≠i} exp(zᵢ·z_k / t) ]
 *   L = 1/(2N) Σᵢ ℓ(i, j(i))          (both (i, j) and (j, i) are counted, Alg. 1)
 * </pre>
 *
 * Written as a softmax cross-entropy over the rows of the 2N×2N similarity matrix, with the
 * diagonal (k = i) masked out by a large negative logit and the positive as a one-hot target (−Σ
 * onehot·logSoftmax, which has a gradient in TF Java; docs/tensorflow-java.md §1).
 *
 * <p>Replicated (several GPUs or workers, {@link CrossReplicaBatch}), the negatives are those of
 * the global batch, as in the paper's TPU training ({@link #globalLoss}).
 */
public final class NtXent {
  /** Subtracted from the self-similarity logits: exp of it is exactly 0 in float32. */
  static final float MASK = 1e9f;

  private NtXent() {}

  /**
   * The loss of two [N, D] batches of projections (rows i of {@code z1} and {@code z2} are the two
   * views of image i; they need not be normalized), as a scalar.
   *
   * @param temperature t &gt; 0
   */
  public static Operand<TFloat32> loss(
      Ops tf, Operand<TFloat32> z1, Operand<TFloat32> z2, float temperature) {
    Operand<TFloat32> z = Losses.l2Normalize(tf, tf.concat(List.of(z1, z2), tf.constant(0)));
    Operand<TFloat32> logits =
        tf.math.div(
            tf.linalg.matMul(z, z, org.tensorflow.op.linalg.MatMul.transposeB(true)),
            tf.constant(temperature));
    Operand<TInt32> n = tf.gather(tf.shape(z1), tf.constant(0), tf.constant(0));
    Operand<TInt32> twoN = tf.math.mul(n, tf.constant(2));
    Operand<TInt32> index = tf.range(tf.constant(0), twoN, tf.constant(1));
    // k = i is not a negative: push its logit to −1e9 so that its softmax weight is 0.
    Operand<TFloat32> self = tf.oneHot(index, twoN, tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> masked = tf.math.sub(logits, tf.math.mul(self, tf.constant(MASK)));
    // The positive of row i is the other view of the same image: (i + N) mod 2N.
    Operand<TFloat32> positive =
        tf.oneHot(
            tf.math.floorMod(tf.math.add(index, n), twoN), twoN, tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> perAnchor =
        tf.math.neg(tf.reduceSum(tf.math.mul(positive, tf.nn.logSoftmax(masked)), tf.constant(1)));
    return tf.math.mean(perAnchor, tf.constant(0));
  }

  /**
   * NT-Xent with the negatives of every replica: this replica's 2n anchors against the 2N
   * projections of the global batch (N = replicas·n), gathered view by view, so that global row r·n
   * + i of view v is replica r's image i. The mean over this replica's anchors, averaged over the
   * replicas by the gradient all-reduce, is the loss of the global batch.
   */
  static Operand<TFloat32> globalLoss(
      Ops tf,
      Operand<TFloat32> z1,
      Operand<TFloat32> z2,
      float temperature,
      CrossReplicaBatch global) {
    Operand<TFloat32> n1 = Losses.l2Normalize(tf, z1);
    Operand<TFloat32> n2 = Losses.l2Normalize(tf, z2);
    Operand<TFloat32> anchors = tf.concat(List.of(n1, n2), tf.constant(0));
    Operand<TFloat32> all =
        tf.concat(List.of(global.gather(tf, n1), global.gather(tf, n2)), tf.constant(0));
    Operand<TFloat32> logits =
        tf.math.div(
            tf.linalg.matMul(anchors, all, org.tensorflow.op.linalg.MatMul.transposeB(true)),
            tf.constant(temperature));
    Operand<TInt32> n = tf.gather(tf.shape(z1), tf.constant(0), tf.constant(0));
    Operand<TInt32> bigN = tf.math.mul(n, tf.constant(global.replicas()));
    Operand<TInt32> twoBigN = tf.math.mul(bigN, tf.constant(2));
    // Local anchor i < n is view 1 of image i: global row offset + i; anchor n + i is view 2 of
    // it: N + offset + i. Its positive is the other view's row.
    Operand<TInt32> offset = tf.math.mul(n, tf.constant(global.replica()));
    Operand<TInt32> image = tf.math.add(tf.range(tf.constant(0), n, tf.constant(1)), offset);
    Operand<TInt32> selfRow = tf.concat(List.of(image, tf.math.add(image, bigN)), tf.constant(0));
    Operand<TInt32> positiveRow =
        tf.concat(List.of(tf.math.add(image, bigN), image), tf.constant(0));
    Operand<TFloat32> self = tf.oneHot(selfRow, twoBigN, tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> masked = tf.math.sub(logits, tf.math.mul(self, tf.constant(MASK)));
    Operand<TFloat32> positive = tf.oneHot(positiveRow, twoBigN, tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> perAnchor =
        tf.math.neg(tf.reduceSum(tf.math.mul(positive, tf.nn.logSoftmax(masked)), tf.constant(1)));
    return tf.math.mean(perAnchor, tf.constant(0));
  }
}
