package io.tfssl.method;

import io.tfssl.nn.Encoder;
import io.tfssl.nn.HeadBn;
import io.tfssl.nn.Mlp;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.Param;
import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * SimSiam (Chen and He, "Exploring Simple Siamese Representation Learning", CVPR 2021).
 *
 * <p>One encoder f and projector g shared by both views, a predictor h on one side, and a
 * stop-gradient on the other: L = ½D(p1, sg(z2)) + ½D(p2, sg(z1)) (Eq. 3-4). Every switch of
 * the paper's ablations is a field of {@link SimSiamConfig}.
 */
public final class SimSiam implements SslMethod {
  private final SimSiamConfig config;

  public SimSiam(SimSiamConfig config) {
    this.config = config.validate();
  }

  public SimSiamConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "simsiam";
  }

  @Override
  public int numViews() {
    return config.symmetry() == Symmetry.ASYMMETRIC_2X ? 4 : 2;
  }

  @Override
  public MethodGraph build(Ops tf, Encoder encoder, List<Operand<TFloat32>> views, long seed) {
    HeadBn bn = config.headBn();
    VarStore online = VarStore.trainable(tf, "online", seed);
    Net net = Net.of(online, Mode.TRAIN);
    Mlp projector = projector();
    // Predictor h: a bottleneck MLP (2048 → 512 → 2048), no BN on its output (§4.3).
    Mlp predictor = new Mlp(config.predictorDims(), bn.predictorHidden, bn.predictorOutput, true);
    // A fixed predictor (Table 1b) lives in a frozen store: built, never trained.
    VarStore fixedPredictor = VarStore.frozen(tf, "online_fixed_predictor", seed + 1);

    List<Operand<TFloat32>> h = new ArrayList<>();
    List<Operand<TFloat32>> z = new ArrayList<>();
    List<Operand<TFloat32>> p = new ArrayList<>();
    for (Operand<TFloat32> view : views) {
      Operand<TFloat32> hi = encoder.apply(net.child("encoder"), view);
      h.add(hi);
      Operand<TFloat32> zi = projector.apply(net.child("projector"), hi);
      z.add(zi);
      p.add(switch (config.predictor()) {
        case MLP -> predictor.apply(net.child("predictor"), zi);
        case FIXED -> predictor.apply(Net.of(fixedPredictor, Mode.TRAIN), zi);
        case NONE -> zi;
      });
    }

    Ops lossOps = tf.withSubScope("loss");
    Operand<TFloat32> loss = switch (config.symmetry()) {
      case SYMMETRIC -> lossOps.math.add(
          half(lossOps, d(lossOps, p.get(0), z.get(1))),
          half(lossOps, d(lossOps, p.get(1), z.get(0))));
      case ASYMMETRIC -> d(lossOps, p.get(0), z.get(1));
      // Two pairs per image, each used asymmetrically (Table 5, "asym. 2×"): the mean of the two.
      case ASYMMETRIC_2X -> lossOps.math.add(
          half(lossOps, d(lossOps, p.get(0), z.get(1))),
          half(lossOps, d(lossOps, p.get(2), z.get(3))));
    };

    Set<String> fixedLr = new HashSet<>();
    if (config.predictorFixedLr()) {
      for (Param param : online.params()) {
        if (param.name().startsWith("predictor/")) {
          fixedLr.add(param.name());
        }
      }
    }
    return new MethodGraph(lossOps.withName("total").identity(loss), online.params(), fixedLr,
        online.statisticsUpdates(), z.get(0), Optional.empty(), online.flops(),
        fixedPredictor.flops(), online, h.get(0));
  }

  /** Projector g: BN on every layer, the output BN without affine (§4.3, "BN ... without ReLU"). */
  @Override
  public Mlp projector() {
    HeadBn bn = config.headBn();
    return new Mlp(config.projectorDims(), bn.projectorHidden, bn.projectorOutput, false);
  }

  /** D(p, sg(z)): THE STOP-GRADIENT. With it off (Table/Fig. 2, "w/o stop-grad") the net collapses. */
  private Operand<TFloat32> d(Ops tf, Operand<TFloat32> p, Operand<TFloat32> z) {
    Operand<TFloat32> target = config.stopGradient() ? tf.stopGradient(z) : z;
    return config.similarity().distance(tf, p, target);
  }

  private static Operand<TFloat32> half(Ops tf, Operand<TFloat32> x) {
    return tf.math.mul(x, tf.constant(0.5f));
  }
}
