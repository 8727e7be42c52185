package io.tfssl.method;

import io.tfssl.nn.Initializer;
import io.tfssl.nn.Net;
import io.tfssl.nn.ParamKind;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * SwAV's prototypes C = [c₁, ..., c_K] (Caron et al. 2020, §3.1): K trainable unit vectors of the
 * projection's width, held as the columns of a [D, K] weight (a linear layer without bias, as in
 * the paper's code), at {@code online/prototypes/w}.
 *
 * <p>The scores of a batch are zᵀC with z l2-normalized, i.e. cosine similarities to the
 * prototypes. The prototypes are trained by the loss like any weight and projected back onto the
 * unit sphere after every optimizer step ({@link #normalize}, run after the update; the training
 * loop of App. A.1 normalizes them at the start of each iteration, which gives the same sequence of
 * values the loss reads). They also start normalized, so the loss always reads unit prototypes.
 */
public final class Prototypes {
  private final Variable<TFloat32> weights;
  private final int count;

  private Prototypes(Variable<TFloat32> weights, int count) {
    this.weights = weights;
    this.count = count;
  }

  /**
   * The prototypes of {@code net}'s store at {@code net.path()}, created on first use: K columns of
   * width {@code dim}, initialized as PyTorch's {@code nn.Linear} (uniform ±1/√D) and then
   * normalized.
   */
  public static Prototypes of(Net net, int dim, int count) {
    if (dim <= 0 || count <= 0) {
      throw new IllegalArgumentException(
          "prototypes need a positive width and count, got " + dim + " and " + count);
    }
    Initializer uniform = Initializer.uniformFanIn(dim);
    Initializer unit = (tf, shape, seed) -> normalizeColumns(tf, uniform.create(tf, shape, seed));
    Variable<TFloat32> w =
        net.store().variable(net.path(), "w", ParamKind.WEIGHT, unit, dim, count);
    return new Prototypes(w, count);
  }

  /** The variable, [D, K], one prototype per column. */
  public Variable<TFloat32> variable() {
    return weights;
  }

  /** K. */
  public int count() {
    return count;
  }

  /** The scores zᵀC [N, K] of projections {@code z} [N, D], l2-normalized here. */
  public Operand<TFloat32> scores(Ops tf, Operand<TFloat32> z) {
    return tf.linalg.matMul(Losses.l2Normalize(tf, z), tf.identity(weights));
  }

  /**
   * C ← C with unit columns. {@code after} must carry the control dependency on the optimizer
   * update, so this reads the updated prototypes and nothing else writes them meanwhile.
   */
  public Op normalize(Ops after) {
    return after
        .withName("normalize_prototypes")
        .assign(weights, normalizeColumns(after, after.identity(weights)));
  }

  private static Operand<TFloat32> normalizeColumns(Ops tf, Operand<TFloat32> w) {
    Operand<TFloat32> sq =
        tf.reduceSum(tf.math.mul(w, w), tf.constant(0), ReduceSum.keepDims(true));
    return tf.math.mul(w, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(1e-12f))));
  }
}
