package io.tfssl.method;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The per-image moving-average target of SimSiam's hypothesis (Chen and He 2021, §5, "Predictor"):
 * the predictor h is removed and the target of image x is no longer one view's output F(T'(x)) (Eq.
 * 10) but a running average over the steps that visited x, η_x ← m·η_x + (1 − m)·F_θ(T'(x)), an
 * approximation of the expectation E_T[F(T(x))] of Eq. 9 that Eq. 10 drops. The paper reports 55.0%
 * with m = 0.8, against 0.1% with neither h nor the average (Table 1a).
 *
 * <p><b>Which branch gets gradients.</b> §5 solves the sub-problem for θ (Eq. 7), min_θ E
 * ||F_θ(T(x)) − η_x||², by SGD with η_x fixed, and the sub-problem for η (Eq. 8) in closed form. So
 * the online branch is F_θ(T(x)) = z, the projector output of the view being trained (no predictor:
 * "without the predictor h"), and the target η_x is a constant: no gradient reaches the table, nor
 * the F(T'(x)) that updates it. D is SimSiam's (negative cosine by default), as in every §5
 * experiment.
 *
 * <p><b>Order within a step.</b> As in Eq. 8 then Eq. 7, the step first updates η_x with this
 * step's F_θt(T'(x)) and then trains against the updated value: the target of the term whose other
 * view is b is m·η_x + (1 − m)·sg(z_b). With m = 0 this is exactly SimSiam without predictor. With
 * the symmetric loss each view is once T and once T', so the two terms have the targets m·η_x + (1
 * − m)·sg(z_2) and m·η_x + (1 − m)·sg(z_1), and the stored value becomes their mean, m·η_x + (1 −
 * m)·½(z_1 + z_2): one average of both views per visit.
 *
 * <p><b>First visit.</b> The paper does not say what η_x starts from. Here the first visit of x has
 * nothing to average and is Eq. 10 itself, η_x = F(T'(x)); the average starts from the second
 * visit. (A zero start would, under the cosine, give the same first target but make the first
 * observation weigh 1 − m instead of 1 for the whole run, which matters in short runs.) A flag per
 * image ({@code moving_average/seen}) records the first visit.
 *
 * <p>The table {@code moving_average/eta} [N, d] (N images, d the projector's width) and the flags
 * are ref variables, saved in checkpoints, so a resumed run continues with the same targets. The
 * rows of the batch are read once, before the step; the write runs after the optimizer update
 * ({@link MethodGraph#afterUpdate()}) and depends on what was read, so it never races with the
 * read. The indices of one batch are distinct (a batch never crosses an epoch), so the scatter has
 * one writer per row.
 */
public final class MovingAverageTarget {
  /** Name scope of the table and the flags. */
  public static final String SCOPE = "moving_average";

  private final Variable<TFloat32> eta;
  private final Variable<TFloat32> seen;
  private final Operand<TInt32> indices;
  private final Operand<TFloat32> rows;
  private final Operand<TFloat32> momentum;

  private MovingAverageTarget(
      Variable<TFloat32> eta,
      Variable<TFloat32> seen,
      Operand<TInt32> indices,
      Operand<TFloat32> rows,
      Operand<TFloat32> momentum) {
    this.eta = eta;
    this.seen = seen;
    this.indices = indices;
    this.rows = rows;
    this.momentum = momentum;
  }

  /**
   * Creates the table for {@code index.imageCount()} images of width {@code dim} in scope {@value
   * #SCOPE} and reads the batch's rows.
   *
   * @param m the momentum, in [0, 1)
   */
  public static MovingAverageTarget create(Ops tf, ImageIndex index, int dim, double m) {
    if (!(m >= 0 && m < 1)) {
      throw new IllegalArgumentException("moving-average momentum must be in [0, 1), got " + m);
    }
    Ops ops = tf.withSubScope(SCOPE);
    Ops init = ops.withInitScope();
    Variable<TFloat32> eta =
        ops.withName("eta")
            .variable(
                init.fill(init.constant(new long[] {index.imageCount(), dim}), init.constant(0f)));
    Variable<TFloat32> seen =
        ops.withName("seen")
            .variable(init.fill(init.constant(new long[] {index.imageCount()}), init.constant(0f)));
    Operand<TInt32> indices = index.indices();
    // The effective momentum per row: m from the second visit on, 0 at the first (Eq. 10).
    Operand<TFloat32> seenRows =
        ops.expandDims(ops.gather(ops.identity(seen), indices, ops.constant(0)), ops.constant(1));
    Operand<TFloat32> etaRows = ops.gather(ops.identity(eta), indices, ops.constant(0));
    Operand<TFloat32> mRows = ops.math.mul(seenRows, ops.constant((float) m));
    return new MovingAverageTarget(
        eta, seen, indices, ops.withName("batch_rows").stopGradient(etaRows), mRows);
  }

  /** The table η, [N, d]. */
  public Variable<TFloat32> eta() {
    return eta;
  }

  /** 1 for every image visited at least once, else 0, [N]. */
  public Variable<TFloat32> seen() {
    return seen;
  }

  /**
   * The target for the loss term whose other view has projector output {@code zOther}: m·η_x + (1 −
   * m)·sg(zOther) per row (just zOther at an image's first visit), behind a stop-gradient.
   */
  public Operand<TFloat32> target(Ops tf, Operand<TFloat32> zOther) {
    Operand<TFloat32> z = tf.stopGradient(zOther);
    return tf.stopGradient(
        tf.math.add(
            tf.math.mul(momentum, rows), tf.math.mul(tf.math.sub(tf.constant(1f), momentum), z)));
  }

  /**
   * Stores the mean of the step's targets as the batch's new η_x and marks the images seen. {@code
   * after} carries the control dependency on the optimizer update.
   */
  public Op update(Ops after, List<Operand<TFloat32>> targets) {
    Operand<TFloat32> sum = targets.get(0);
    for (Operand<TFloat32> t : targets.subList(1, targets.size())) {
      sum = after.math.add(sum, t);
    }
    Operand<TFloat32> mean =
        targets.size() == 1 ? sum : after.math.mul(sum, after.constant(1f / targets.size()));
    Op writeEta = after.scatterUpdate(eta, indices, mean);
    Op writeSeen =
        after.scatterUpdate(
            seen, indices, after.onesLike(after.dtypes.cast(indices, TFloat32.class)));
    return after
        .withControlDependencies(List.of(writeEta, writeSeen))
        .withName("moving_average_update")
        .noOp();
  }
}
