package io.tfssl.compute;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Dynamic loss scaling for fp16 training, in the graph (Micikevicius et al. 2018, "Mixed Precision
 * Training", §3.2). TF's graph rewriter turns Conv2D, MatMul and their gradients into fp16 but,
 * unlike Python's {@code enable_mixed_precision_graph_rewrite}, nothing wraps the optimizer, so
 * small gradients would flush to zero in fp16. Hence:
 *
 * <pre>
 *   gradients of (loss · S)  ─►  g / S  ─►  all finite?  yes: apply; count a good step
 *                                                        no:  skip the update; S ← max(S/2, 1)
 *   after {@value #GROWTH_INTERVAL} good steps in a row: S ← 2·S
 * </pre>
 *
 * <p>S starts at 2^15 and moves by factors of 2, so dividing by it is exact: with finite gradients
 * the update equals the unscaled one (the defaults of TF's {@code
 * tf.mixed_precision.LossScaleOptimizer}).
 *
 * <p>How a step is skipped without control flow: non-finite gradients are replaced by zeros and
 * every learning rate is multiplied by 0, so no weight moves. The optimizers still run, so on a
 * skipped step the momentum buffer decays (v ← m·v + d with d the weight-decay term alone, or LARS'
 * η·w) and BN moving statistics and BYOL's target EMA advance as on any step; skips are rare (a few
 * while S first comes down from 2^15, then about one per {@value #GROWTH_INTERVAL} steps). S and
 * the good-step count are ref variables ({@code loss_scale/scale}, {@code loss_scale/good_steps}),
 * saved with the checkpoint.
 */
public final class LossScale {
  /** The first scale, 2^15. */
  public static final float INITIAL = 32768f;

  /** Good steps in a row before the scale doubles. */
  public static final int GROWTH_INTERVAL = 2000;

  private final Variable<TFloat32> scale;
  private final Variable<TFloat32> goodSteps;
  private final int growthInterval;
  private Operand<TBool> finite;

  private LossScale(Variable<TFloat32> scale, Variable<TFloat32> goodSteps, int growthInterval) {
    this.scale = scale;
    this.goodSteps = goodSteps;
    this.growthInterval = growthInterval;
  }

  /** A dynamic scale with TF's defaults; its variables live in {@code tf}'s scope. */
  public static LossScale dynamic(Ops tf) {
    return dynamic(tf, INITIAL, GROWTH_INTERVAL);
  }

  /** A dynamic scale starting at {@code initial} that doubles after {@code growthInterval}. */
  public static LossScale dynamic(Ops tf, float initial, int growthInterval) {
    if (!(initial >= 1) || growthInterval < 1) {
      throw new IllegalArgumentException("loss scale must start at >= 1 and grow after >= 1 step");
    }
    return new LossScale(
        tf.withName("scale").variable(tf.constant(initial)),
        tf.withName("good_steps").variable(tf.constant(0f)),
        growthInterval);
  }

  /** The current scale S. */
  public Operand<TFloat32> scale(Ops tf) {
    return tf.identity(scale); // read through Identity: docs/tensorflow-java.md §1 Trap A
  }

  /** loss · S: differentiate this one. */
  public Operand<TFloat32> scaled(Ops tf, Operand<TFloat32> loss) {
    return tf.math.mul(loss, scale(tf));
  }

  /**
   * The gradients of {@link #scaled} divided by S, each replaced by zeros when any of them is not
   * finite. Call once, before {@link #gate} and {@link #update}.
   */
  public List<Operand<TFloat32>> unscale(Ops tf, List<Operand<TFloat32>> scaledGrads) {
    if (finite != null) {
      throw new IllegalStateException("unscale is called once per graph");
    }
    Operand<TFloat32> s = scale(tf);
    List<Operand<TFloat32>> grads = new ArrayList<>();
    List<Operand<TBool>> each = new ArrayList<>();
    for (Operand<TFloat32> g : scaledGrads) {
      Operand<TFloat32> u = tf.math.div(g, s);
      grads.add(u);
      each.add(tf.reduceAll(tf.math.isFinite(u), allAxes(tf, u)));
    }
    finite = tf.withName("all_finite").reduceAll(tf.stack(each), tf.constant(0));
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (Operand<TFloat32> u : grads) {
      // select, not multiply: NaN · 0 is NaN.
      out.add(tf.select(finite, u, tf.zerosLike(u)));
    }
    return out;
  }

  /** {@code lr} on a step with finite gradients, 0 on a skipped one. */
  public Operand<TFloat32> gate(Ops tf, Operand<TFloat32> lr) {
    requireUnscaled();
    return tf.math.mul(lr, tf.dtypes.cast(finite, TFloat32.class));
  }

  /** Whether this step's gradients were finite (the step is applied). */
  public Operand<TBool> finite() {
    requireUnscaled();
    return finite;
  }

  /**
   * The scale's update for this step; build it under a control dependency on the optimizer's update
   * so the loss and gradients read the old S.
   */
  public Op update(Ops after) {
    requireUnscaled();
    Operand<TFloat32> s = after.identity(scale);
    Operand<TFloat32> good = after.identity(goodSteps);
    Operand<TFloat32> nextGood = after.math.add(good, after.constant(1f));
    Operand<TBool> grow = after.math.greaterEqual(nextGood, after.constant((float) growthInterval));
    Operand<TFloat32> grown = after.select(grow, after.math.mul(s, after.constant(2f)), s);
    Operand<TFloat32> shrunk =
        after.math.maximum(after.math.mul(s, after.constant(0.5f)), after.constant(1f));
    Operand<TFloat32> newScale = after.select(finite, grown, shrunk);
    Operand<TFloat32> newGood =
        after.select(finite, after.select(grow, after.constant(0f), nextGood), after.constant(0f));
    // Both new values are read before either variable is written.
    Ops write = after.withControlDependencies(List.of((Op) newScale, (Op) newGood));
    return after
        .withControlDependencies(
            List.of(write.assign(scale, newScale), write.assign(goodSteps, newGood)))
        .withName("update")
        .noOp();
  }

  private void requireUnscaled() {
    if (finite == null) {
      throw new IllegalStateException("call unscale first");
    }
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }
}
