package io.tfssl.method;

import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mlp;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * BYOL (Grill et al., "Bootstrap Your Own Latent", NeurIPS 2020).
 *
 * <p>Online network θ: encoder f_θ, projector g_θ, predictor q_θ. Target network ξ: f_ξ, g_ξ,
 * separate variables initialized as copies of θ and never touched by gradients; after every
 * optimizer step ξ ← τξ + (1 − τ)θ ({@link TargetEma}). Loss (Eq. 2): 2 − 2·cos(q_θ(z_θ), z'_ξ),
 * symmetrized by swapping the views and summed (L + L̃).
 */
public final class Byol implements SslMethod {
  private final ByolConfig config;

  public Byol(ByolConfig config) {
    this.config = config.validate();
  }

  public ByolConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "byol";
  }

  @Override
  public int numViews() {
    return 2;
  }

  @Override
  public MethodGraph build(MethodInput input) {
    Ops tf = input.tf();
    Encoder encoder = input.encoder();
    List<Operand<TFloat32>> views = input.views();
    VarStore online = input.trainableStore("online");
    Net net = Net.of(online, Mode.TRAIN);
    // q has the same shape as g: Linear(4096) → BN → ReLU → Linear(256) (§3.3).
    Mlp projector = projector();
    Mlp predictor =
        new Mlp(
            config.predictorDims(),
            config.headBn().predictorHidden,
            config.headBn().predictorOutput,
            true);

    List<Operand<TFloat32>> y = new ArrayList<>();
    List<Operand<TFloat32>> z = new ArrayList<>();
    List<Operand<TFloat32>> q = new ArrayList<>();
    for (Operand<TFloat32> view : views) {
      Operand<TFloat32> yi = encoder.apply(net.child("encoder"), view);
      y.add(yi);
      Operand<TFloat32> zi = projector.apply(net.child("projector"), yi);
      z.add(zi);
      q.add(predictor.apply(net.child("predictor"), zi));
    }

    // The target network ξ: same encoder and projector, its own variables, a copy of θ at start.
    VarStore target = VarStore.copyOf(tf, "target", online);
    Net targetNet = Net.of(target, Mode.TRAIN);
    List<Operand<TFloat32>> zTarget = new ArrayList<>();
    for (Operand<TFloat32> view : views) {
      Operand<TFloat32> zt =
          projector.apply(
              targetNet.child("projector"), encoder.apply(targetNet.child("encoder"), view));
      // ξ gets no gradient: the target output is a constant for the loss (Alg. 1, "stop gradient").
      zTarget.add(tf.stopGradient(zt));
    }

    Ops lossOps = tf.withSubScope("loss");
    Operand<TFloat32> loss =
        lossOps.math.add(
            regression(lossOps, q.get(0), zTarget.get(1)),
            regression(lossOps, q.get(1), zTarget.get(0)));
    return MethodGraph.builder()
        .loss(lossOps.withName("total").identity(loss))
        .online(online)
        .projection(z.get(0))
        .representation(y.get(0))
        .target(new TargetEma(online, target))
        .frozenFlops(target.flops())
        .build();
  }

  /** Projector g: Linear(4096) → BN → ReLU → Linear(256) (§3.3). */
  @Override
  public Mlp projector() {
    return new Mlp(
        config.projectorDims(),
        config.headBn().projectorHidden,
        config.headBn().projectorOutput,
        true);
  }

  /** ‖q̄ − z̄'‖² = 2 − 2·cos(q, z') (Eq. 2), averaged over the batch. */
  private static Operand<TFloat32> regression(
      Ops tf, Operand<TFloat32> q, Operand<TFloat32> zTarget) {
    Operand<TFloat32> cos = Losses.cosine(tf, q, zTarget);
    return tf.math.mean(
        tf.math.sub(tf.constant(2f), tf.math.mul(cos, tf.constant(2f))), tf.constant(0));
  }
}
