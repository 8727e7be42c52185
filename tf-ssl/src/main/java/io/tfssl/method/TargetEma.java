package io.tfssl.method;

import io.tfssl.nn.Param;
import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The target network as an exponential moving average of the online one (BYOL, Grill et al. 2020,
 * §3.1, Eq. 1): ξ ← τ·ξ + (1 − τ)·θ after each optimizer step. MoCo's key encoder is the same
 * mechanism.
 *
 * <p>The update is a set of assign ops built under a control dependency on the optimizer's update,
 * so it reads the post-update θ and runs in the same {@code Session.run} as the step.
 */
public final class TargetEma {
  /** One online parameter and the target variable that follows it. */
  public record Pair(Param online, Variable<TFloat32> target) {}

  private final List<Pair> pairs;

  /** Pairs every online parameter with the target variable at the same relative path. */
  public TargetEma(VarStore online, VarStore target) {
    List<Pair> list = new ArrayList<>();
    for (Param p : online.params()) {
      Variable<TFloat32> t = target.variables().get(p.name());
      if (t != null) {
        list.add(new Pair(p, t));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException(
          "target network " + target.prefix() + " shares no variable with " + online.prefix());
    }
    this.pairs = List.copyOf(list);
  }

  public List<Pair> pairs() {
    return pairs;
  }

  /**
   * The EMA update. {@code after} must carry a control dependency on the optimizer step; {@code
   * tau} is a scalar (from the τ schedule). With τ = 1 the target never moves, which is the seed's
   * "online trained against a fixed random target" setting.
   */
  public Op update(Ops after, Operand<TFloat32> tau) {
    List<Op> assigns = new ArrayList<>();
    Operand<TFloat32> oneMinusTau = after.math.sub(after.constant(1f), tau);
    for (Pair pair : pairs) {
      Operand<TFloat32> xi = after.identity(pair.target());
      Operand<TFloat32> theta = after.identity(pair.online().variable());
      assigns.add(
          after.assign(
              pair.target(),
              after.math.add(after.math.mul(xi, tau), after.math.mul(theta, oneMinusTau))));
    }
    return after.withControlDependencies(assigns).withName("target_ema_update").noOp();
  }
}
