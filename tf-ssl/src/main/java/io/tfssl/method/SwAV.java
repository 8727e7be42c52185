package io.tfssl.method;

import io.tfssl.augment.ViewPolicy;
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
 * SwAV (Caron, Misra, Mairal, Goyal, Bojanowski and Joulin, "Unsupervised Learning of Visual
 * Features by Contrasting Cluster Assignments", NeurIPS 2020).
 *
 * <p>Every view goes through the same encoder f and projection head g; its l2-normalized projection
 * z is scored against K learnable {@link Prototypes} (scores zᵀC, §3.1). For each of the two large
 * views s, the codes q_s are computed from its scores by Sinkhorn-Knopp ({@link SinkhornKnopp}, 3
 * iterations, ε = 0.05: THE STOP-GRADIENT, the codes are targets), and every other view v predicts
 * them from its own scores (the "swapped" prediction, Eq. 1-2):
 *
 * <pre>
 *   ℓ(z_v, q_s) = −Σ_k q_s^(k) log softmax(z_vᵀC / τ)^(k),   τ = 0.1
 *   L = 1/2 Σ_{s ∈ {1,2}} 1/(V − 1) Σ_{v ≠ s} ℓ(z_v, q_s)      (mean over the batch)
 * </pre>
 *
 * as in the paper's multi-crop training loop (App. A.1: codes only for the two large crops, {@code
 * crops_for_assign = [0, 1]}). After each optimizer step the prototypes are normalized again
 * ({@link Prototypes#normalize}, run in {@link MethodGraph#afterUpdate()}).
 *
 * <p><b>Multi-crop</b> (§3.2): besides the two large views at the run's view size, the step has
 * {@link SwavConfig#smallCrops()} small views of {@link SwavConfig#smallCropSize()} pixels, cropped
 * from {@code [smallCropScaleMin, smallCropScaleMax]} of the image with otherwise the same
 * augmentation ({@link #views}). The encoders here end in global average pooling, so they take any
 * view size. Small views never produce codes; they only predict.
 *
 * <p>Not implemented from the paper: the queue of features from earlier batches that SwAV adds for
 * small batches (App. A.1; the released 256-batch recipe starts one at epoch 15), and freezing the
 * prototypes during the first epoch. Batch norm runs per view (here) rather than over all crops of
 * one resolution together (the paper's code).
 */
public final class SwAV implements SslMethod {
  private final SwavConfig config;

  public SwAV(SwavConfig config) {
    this.config = config.validate();
  }

  public SwavConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "swav";
  }

  /** Two large views and the small crops. */
  @Override
  public int numViews() {
    return 2 + config.smallCrops();
  }

  /** The op name of the codes of large view {@code view} (1 or 2), for inspection and tests. */
  public static String codesOp(int view) {
    return "loss/codes_" + view;
  }

  /**
   * Multi-crop: views 1 and 2 are the run's two policies at its view size; views 3.. are small
   * crops, alternating the two policies with the crop scale replaced by the small-crop range.
   */
  @Override
  public List<ViewSpec> views(List<ViewPolicy> policies, int viewSize) {
    List<ViewSpec> views = new ArrayList<>();
    views.add(new ViewSpec(policies.get(0), viewSize));
    views.add(new ViewSpec(policies.get(1 % policies.size()), viewSize));
    for (int i = 0; i < config.smallCrops(); i++) {
      ViewPolicy small =
          policies.get(i % policies.size()).toBuilder()
              .cropScale((float) config.smallCropScaleMin(), (float) config.smallCropScaleMax())
              .build();
      views.add(new ViewSpec(small, config.smallCropSize()));
    }
    return views;
  }

  @Override
  public MethodGraph build(MethodInput input) {
    Ops tf = input.tf();
    Encoder encoder = input.encoder();
    List<Operand<TFloat32>> views = input.views();
    if (views.size() < 2) {
      throw new IllegalArgumentException("SwAV needs at least two views, got " + views.size());
    }
    VarStore online = input.trainableStore("online");
    Net net = Net.of(online, Mode.TRAIN);
    Mlp projector = projector();
    Prototypes prototypes =
        Prototypes.of(net.child("prototypes"), projector.outputDim(), config.prototypes());

    List<Operand<TFloat32>> h = new ArrayList<>();
    List<Operand<TFloat32>> z = new ArrayList<>();
    List<Operand<TFloat32>> scores = new ArrayList<>();
    Ops scoreOps = tf.withSubScope("scores");
    for (Operand<TFloat32> view : views) {
      Operand<TFloat32> hi = encoder.apply(net.child("encoder"), view);
      h.add(hi);
      Operand<TFloat32> zi = projector.apply(net.child("projector"), hi);
      z.add(zi);
      scores.add(prototypes.scores(scoreOps, zi));
    }

    Ops lossOps = tf.withSubScope("loss");
    float tau = (float) config.temperature();
    List<Operand<TFloat32>> terms = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      // Codes of large view s: Sinkhorn-Knopp on its scores, behind the stop-gradient.
      Operand<TFloat32> q =
          lossOps
              .withName("codes_" + (s + 1))
              .identity(
                  SinkhornKnopp.codes(
                      lossOps,
                      scores.get(s),
                      config.sinkhornIterations(),
                      (float) config.epsilon(),
                      input.crossReplica().globalBatch()));
      List<Operand<TFloat32>> predictions = new ArrayList<>();
      for (int v = 0; v < views.size(); v++) {
        if (v != s) {
          predictions.add(swappedPrediction(lossOps, scores.get(v), q, tau));
        }
      }
      terms.add(
          lossOps.math.div(
              lossOps.math.addN(predictions), lossOps.constant((float) predictions.size())));
    }
    Operand<TFloat32> loss =
        lossOps.math.div(lossOps.math.addN(terms), lossOps.constant((float) terms.size()));

    return MethodGraph.builder()
        .loss(lossOps.withName("total").identity(loss))
        .online(online)
        .projection(z.get(0))
        .representation(h.get(0))
        // Back onto the unit sphere after the optimizer step.
        .afterUpdate(List.of(prototypes::normalize))
        .build();
  }

  /** Projection head g: Linear(2048) → BN → ReLU → Linear(128) (the paper's code). */
  @Override
  public Mlp projector() {
    return new Mlp(config.projectorDims(), true, false, false);
  }

  /** ℓ(z_v, q_s) = −Σ_k q_s log softmax(scores_v / τ), averaged over the batch (Eq. 2). */
  private static Operand<TFloat32> swappedPrediction(
      Ops tf, Operand<TFloat32> scores, Operand<TFloat32> codes, float temperature) {
    Operand<TFloat32> logP = tf.nn.logSoftmax(tf.math.div(scores, tf.constant(temperature)));
    return tf.math.neg(
        tf.math.mean(tf.reduceSum(tf.math.mul(codes, logP), tf.constant(1)), tf.constant(0)));
  }
}
