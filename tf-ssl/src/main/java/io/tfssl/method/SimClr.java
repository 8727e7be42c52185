package io.tfssl.method;

import io.tfssl.nn.Encoder;
import io.tfssl.nn.HeadBn;
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
 * SimCLR (Chen, Kornblith, Norouzi and Hinton, "A Simple Framework for Contrastive Learning of
 * Visual Representations", ICML 2020).
 *
 * <p>One encoder f and projector g shared by both views (§2.1): hᵢ = f(x̃ᵢ), zᵢ = g(hᵢ). The loss
 * is NT-Xent over the 2N projections of the batch ({@link NtXent}, Eq. 1): each view's positive is
 * the other view of its image, its negatives the other 2N − 2 views. No target branch, no
 * stop-gradient: both views get gradients. The heads are a {@link SimClrConfig}.
 *
 * <p>Batch norm: the encoder runs on each view separately, so its batch statistics are over the N
 * samples of one view, as for every method in this library; SimCLR's "global BN" (§2.3) aggregates
 * them over all devices, i.e. over all 2N views of the batch.
 */
public final class SimClr implements SslMethod {
  private final SimClrConfig config;

  public SimClr(SimClrConfig config) {
    this.config = config.validate();
  }

  public SimClrConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "simclr";
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
    Mlp projector = projector();
    List<Operand<TFloat32>> h = new ArrayList<>();
    List<Operand<TFloat32>> z = new ArrayList<>();
    for (Operand<TFloat32> view : views) {
      Operand<TFloat32> hi = encoder.apply(net.child("encoder"), view);
      h.add(hi);
      z.add(projector.apply(net.child("projector"), hi));
    }
    Ops lossOps = tf.withSubScope("loss");
    // Replicated, the negatives are those of the global batch, as the paper trains.
    CrossReplicaBatch global = input.crossReplica().globalBatch();
    float temperature = (float) config.temperature();
    Operand<TFloat32> loss =
        global == null
            ? NtXent.loss(lossOps, z.get(0), z.get(1), temperature)
            : NtXent.globalLoss(lossOps, z.get(0), z.get(1), temperature, global);
    return MethodGraph.builder()
        .loss(lossOps.withName("total").identity(loss))
        .online(online)
        .projection(z.get(0))
        .representation(h.get(0))
        .build();
  }

  /**
   * Projector g: Linear → BN → ReLU → Linear → BN (§2.1 and the released code's head; the output BN
   * here has no affine parameters). The loss l2-normalizes its output.
   */
  @Override
  public Mlp projector() {
    HeadBn bn = config.headBn();
    return new Mlp(config.projectorDims(), bn.projectorHidden, bn.projectorOutput, false);
  }
}
