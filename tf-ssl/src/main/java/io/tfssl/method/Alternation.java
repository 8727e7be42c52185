package io.tfssl.method;

import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mlp;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * SimSiam's "Multi-step alternation" (Chen and He 2021, §5): the hypothesis reads SimSiam as an
 * alternation between solving for the targets η_x with θ fixed (Eq. 8/10, η_x ← F_θt(T'(x))) and k
 * SGD steps on θ with the targets fixed (Eq. 7); SimSiam is k = 1. The paper's table: 68.1 / 68.7 /
 * 68.9 / 67.0% for k = 1 / 10 / 100 / one epoch.
 *
 * <p>The paper pre-computes the η_x of the next k steps with θ_t and caches them; here the target
 * branch is a snapshot network (encoder and projector, variables under {@code snapshot/}) holding
 * θ_t, applied to the step's other view. That is the same F_θt(T'(x)) with T' drawn at the step
 * rather than at the refresh, which has the same distribution. The snapshot branch runs batch norm
 * in training mode with the batch's statistics, like the online target of SimSiam, so it copies
 * only the trainable parameters (weights, biases, BN γ and β); it has no moving statistics, since
 * it is never run in inference mode. No gradient reaches it: its output is behind a stop-gradient,
 * and its variables are not trainable.
 *
 * <p><b>When the snapshot is refreshed.</b> Step s (from 0) must train against θ_t with t =
 * k·⌊s/k⌋. The snapshot starts as a copy of θ_0 (same initializers), and after the optimizer update
 * of step s, when (s + 1) is a multiple of k, it is assigned θ_{s+1}, the weights step s + 1 starts
 * from. Doing it after the update, under the same control dependency as BYOL's EMA, means the
 * target forward never races with the assignment. With k = 1 the snapshot equals the online network
 * at every forward pass, which is plain SimSiam (a test checks the losses). The step count {@code
 * alternation/step} is a variable of its own, saved in checkpoints with the snapshot, so a resumed
 * run refreshes at the same steps.
 */
public final class Alternation {
  /** Prefix of the snapshot network's variables. */
  public static final String SNAPSHOT = "snapshot";

  /** Name scope of the step counter ({@code alternation/step}). */
  public static final String SCOPE = "alternation";

  private final int steps;
  private final VarStore online;
  private final VarStore snapshot;
  private final Net snapshotNet;
  private final Variable<TInt64> step;

  private Alternation(int steps, VarStore online, VarStore snapshot, Variable<TInt64> step) {
    this.steps = steps;
    this.online = online;
    this.snapshot = snapshot;
    this.snapshotNet = Net.of(snapshot, Mode.TRAIN);
    this.step = step;
  }

  /**
   * The snapshot of {@code online}, refreshed every {@code k} steps. Apply {@link #target} after
   * the online network is built (the snapshot copies its initial values).
   */
  public static Alternation create(Ops tf, VarStore online, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("alternation needs k >= 1 steps per refresh, got " + k);
    }
    Variable<TInt64> step = tf.withSubScope(SCOPE).withName("step").variable(tf.constant(0L));
    return new Alternation(k, online, VarStore.copyOf(tf, SNAPSHOT, online), step);
  }

  /** k, the SGD steps per refresh. */
  public int steps() {
    return steps;
  }

  /** The snapshot network's variables. */
  public VarStore snapshot() {
    return snapshot;
  }

  /** Steps taken, as the refresh schedule counts them. */
  public Variable<TInt64> step() {
    return step;
  }

  /**
   * η for one view: sg(g_θt(f_θt(view))), the snapshot's projector output, the constant the online
   * prediction of the other view is trained towards.
   */
  public Operand<TFloat32> target(Ops tf, Encoder encoder, Mlp projector, Operand<TFloat32> view) {
    Operand<TFloat32> z =
        projector.apply(
            snapshotNet.child("projector"), encoder.apply(snapshotNet.child("encoder"), view));
    return tf.stopGradient(z);
  }

  /**
   * The refresh, run after the optimizer update ({@code after} carries the control dependency on
   * it): when (step + 1) mod k = 0 every snapshot variable takes the online value, then the counter
   * advances.
   */
  public Op refresh(Ops after) {
    Operand<TInt64> next = after.math.add(after.identity(step), after.constant(1L));
    Operand<TBool> due =
        after.math.equal(
            after.math.floorMod(next, after.constant((long) steps)), after.constant(0L));
    List<Op> assigns = new ArrayList<>();
    for (TargetEma.Pair pair : new TargetEma(online, snapshot).pairs()) {
      assigns.add(
          after.assign(
              pair.target(),
              after.select(
                  due, after.identity(pair.online().variable()), after.identity(pair.target()))));
    }
    // The counter moves after the assignments, which have read it through `due`.
    Op advance = after.withControlDependencies(assigns).assign(step, next);
    return after.withControlDependencies(List.of(advance)).withName("alternation_refresh").noOp();
  }

  /** Online parameter / snapshot variable pairs (the encoder and the projector, not h). */
  public List<TargetEma.Pair> pairs() {
    return new TargetEma(online, snapshot).pairs();
  }
}
