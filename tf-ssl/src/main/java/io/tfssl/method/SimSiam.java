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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * SimSiam (Chen and He, "Exploring Simple Siamese Representation Learning", CVPR 2021).
 *
 * <p>One encoder f and projector g shared by both views, a predictor h on one side, and a
 * stop-gradient on the other: L = ½D(p1, sg(z2)) + ½D(p2, sg(z1)) (Eq. 3-4). Every switch of the
 * paper's ablations is a field of {@link SimSiamConfig}, including the two proof-of-concept
 * variants of the §5 hypothesis: the target from a snapshot refreshed every k steps ({@link
 * Alternation}) and the per-image moving-average target without predictor ({@link
 * MovingAverageTarget}).
 */
public final class SimSiam implements SslMethod {
  /**
   * The target that the other views are trained towards, before the stop-gradient: op {@code
   * loss/target1} for view 1, {@code loss/target2} for view 2 (z_b in plain SimSiam).
   */
  public static final String TARGET = "loss/target";

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

  /** The moving-average target keeps η_x per image, so it needs the batch's image indices. */
  @Override
  public boolean needsImageIndex() {
    return config.predictor() == PredictorMode.MOVING_AVERAGE;
  }

  @Override
  public MethodGraph build(MethodInput input) {
    if (needsImageIndex() && input.imageIndex() == null) {
      throw new IllegalArgumentException(
          "--predictor moving-average keeps a target per image:"
              + " build it with the batch's ImageIndex (the Trainer does)");
    }
    Ops tf = input.tf();
    Encoder encoder = input.encoder();
    List<Operand<TFloat32>> views = input.views();
    long seed = input.seed();
    ImageIndex index = input.imageIndex();
    HeadBn bn = config.headBn();
    VarStore online = input.trainableStore("online");
    Net net = Net.of(online, Mode.TRAIN);
    Mlp projector = projector();
    // Predictor h: a bottleneck MLP (2048 → 512 → 2048), no BN on its output (§4.3).
    Mlp predictor = new Mlp(config.predictorDims(), bn.predictorHidden, bn.predictorOutput, true);
    // A fixed predictor (Table 1b) lives in a frozen store: built, never trained.
    VarStore fixedPredictor =
        input.crossReplica().applyTo(VarStore.frozen(tf, "online_fixed_predictor", seed + 1));

    List<Operand<TFloat32>> h = new ArrayList<>();
    List<Operand<TFloat32>> z = new ArrayList<>();
    List<Operand<TFloat32>> p = new ArrayList<>();
    for (Operand<TFloat32> view : views) {
      Operand<TFloat32> hi = encoder.apply(net.child("encoder"), view);
      h.add(hi);
      Operand<TFloat32> zi = projector.apply(net.child("projector"), hi);
      z.add(zi);
      p.add(
          switch (config.predictor()) {
            case MLP -> predictor.apply(net.child("predictor"), zi);
            case FIXED -> predictor.apply(Net.of(fixedPredictor, Mode.TRAIN), zi);
            // §5: the moving average of the targets stands in for h, so there is none.
            case NONE, MOVING_AVERAGE -> zi;
          });
    }

    // The loss terms D(p_a, target of view b): one pair per term, weighted equally.
    List<int[]> terms =
        switch (config.symmetry()) {
          case SYMMETRIC -> List.of(new int[] {0, 1}, new int[] {1, 0});
          case ASYMMETRIC -> List.<int[]>of(new int[] {0, 1});
          // Two pairs per image, each used asymmetrically (Table 5, "asym. 2×"): the mean of the
          // two.
          case ASYMMETRIC_2X -> List.of(new int[] {0, 1}, new int[] {2, 3});
        };

    // The target of view b: z_b (plain SimSiam), the snapshot's output (§5 multi-step
    // alternation), or the moving average η_x updated with z_b (§5 predictor experiment).
    Alternation alternation =
        config.alternationSteps() > 0
            ? Alternation.create(tf, online, config.alternationSteps())
            : null;
    MovingAverageTarget average =
        config.predictor() == PredictorMode.MOVING_AVERAGE
            ? MovingAverageTarget.create(
                tf, requireIndex(index), projector.outputDim(), config.predictorMomentum())
            : null;
    Ops lossOps = tf.withSubScope("loss");
    Map<Integer, Operand<TFloat32>> targets = new LinkedHashMap<>();
    for (int[] term : terms) {
      targets.computeIfAbsent(
          term[1],
          v ->
              lossOps
                  .withName("target" + (v + 1))
                  .identity(
                      alternation != null
                          ? alternation.target(lossOps, encoder, projector, views.get(v))
                          : average != null ? average.target(lossOps, z.get(v)) : z.get(v)));
    }
    Operand<TFloat32> loss = null;
    for (int[] term : terms) {
      Operand<TFloat32> dTerm = d(lossOps, p.get(term[0]), targets.get(term[1]));
      if (terms.size() > 1) {
        dTerm = half(lossOps, dTerm);
      }
      loss = loss == null ? dTerm : lossOps.math.add(loss, dTerm);
    }

    List<Function<Ops, Op>> afterUpdate = new ArrayList<>();
    if (alternation != null) {
      afterUpdate.add(alternation::refresh);
    }
    if (average != null) {
      List<Operand<TFloat32>> used = List.copyOf(targets.values());
      afterUpdate.add(after -> average.update(after, used));
    }

    Set<String> fixedLr = new HashSet<>();
    if (config.predictorFixedLr()) {
      for (Param param : online.params()) {
        if (param.name().startsWith("predictor/")) {
          fixedLr.add(param.name());
        }
      }
    }
    long frozenFlops =
        fixedPredictor.flops() + (alternation != null ? alternation.snapshot().flops() : 0);
    return MethodGraph.builder()
        .loss(lossOps.withName("total").identity(loss))
        .online(online)
        .fixedLrParams(fixedLr)
        .projection(z.get(0))
        .representation(h.get(0))
        .frozenFlops(frozenFlops)
        .afterUpdate(afterUpdate)
        .build();
  }

  private static ImageIndex requireIndex(ImageIndex index) {
    if (index == null) {
      throw new IllegalArgumentException(
          "--predictor moving-average needs the batch's image" + " indices (ImageIndex)");
    }
    return index;
  }

  /** Projector g: BN on every layer, the output BN without affine (§4.3, "BN ... without ReLU"). */
  @Override
  public Mlp projector() {
    HeadBn bn = config.headBn();
    return new Mlp(config.projectorDims(), bn.projectorHidden, bn.projectorOutput, false);
  }

  /**
   * D(p, sg(z)): THE STOP-GRADIENT. With it off (Table/Fig. 2, "w/o stop-grad") the net collapses.
   */
  private Operand<TFloat32> d(Ops tf, Operand<TFloat32> p, Operand<TFloat32> z) {
    Operand<TFloat32> target = config.stopGradient() ? tf.stopGradient(z) : z;
    return config.similarity().distance(tf, p, target);
  }

  private static Operand<TFloat32> half(Ops tf, Operand<TFloat32> x) {
    return tf.math.mul(x, tf.constant(0.5f));
  }
}
