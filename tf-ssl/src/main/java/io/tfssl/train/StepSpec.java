package io.tfssl.train;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.compute.LossScale;
import io.tfssl.compute.Precision;
import io.tfssl.data.Normalization;
import io.tfssl.method.SslMethod;
import io.tfssl.nn.Encoder;
import io.tfssl.optim.LearningRateSchedule;
import io.tfssl.optim.Optimizer;
import io.tfssl.optim.TauSchedule;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link TrainingGraph} is built from: the one way to describe a training step.
 *
 * <p>Built with {@link #builder()}: either every component is named, or a {@link PretrainConfig}
 * and the run's length are given and the components not named are derived from them ({@link
 * Components}), as a run of {@code tfssl pretrain} builds them:
 *
 * <pre>{@code
 * StepSpec spec = StepSpec.builder().config(config, totalSteps, stepsPerEpoch)
 *     .imageShape(28, 28, 1).numClasses(10).build();
 * TrainingGraph step = new TrainingGraph(graph, spec);
 * }</pre>
 *
 * @param imageShape [H, W, C] of the uint8 input
 * @param viewSize the side the views are cropped and resized to, whatever the input size (for
 *     example STL-10's 96-pixel images trained at 64)
 * @param policies the run's view policies (view 1, view 2)
 * @param seed the run seed: initial weights and the augmentations' stateless seeds
 * @param lrSchedule the learning rate at each step, computed in the graph from the global step
 * @param fixedLr the learning rate of the parameters the method keeps at a fixed rate (SimSiam's
 *     predictor, §4.2)
 * @param tauSchedule the EMA rate of a target network at each step
 * @param probeClasses classes of the online linear probe (0: none)
 * @param imageCount the number of training images (0: unknown), which a method with per-image state
 *     needs ({@link SslMethod#needsImageIndex()})
 * @param precision the step's precision: the reduced precisions themselves come from the session's
 *     graph rewriter ({@link io.tfssl.compute.ComputeSetup}); the graph changes only for fp16,
 *     which gets a dynamic {@link LossScale}
 * @param replication how this graph takes part in data-parallel training ({@link
 *     Replication#LOCAL}: not at all)
 */
public record StepSpec(
    SslMethod method,
    Encoder encoder,
    long[] imageShape,
    int viewSize,
    Normalization normalization,
    List<ViewPolicy> policies,
    long seed,
    Optimizer optimizer,
    LearningRateSchedule lrSchedule,
    double fixedLr,
    TauSchedule tauSchedule,
    int probeClasses,
    int imageCount,
    Precision precision,
    Replication replication) {

  public StepSpec {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(lrSchedule, "lrSchedule");
    Objects.requireNonNull(tauSchedule, "tauSchedule");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(replication, "replication");
    if (imageShape == null || imageShape.length != 3) {
      throw new IllegalArgumentException("the image shape is [H, W, C]");
    }
    imageShape = imageShape.clone();
    policies = List.copyOf(policies);
  }

  @Override
  public long[] imageShape() {
    return imageShape.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Named fields; the ones left unset come from the {@link #config config} when there is one, else
   * from the defaults: view size = image height, seed 0, no probe, unknown image count, fp32, a
   * single process.
   */
  public static final class Builder {
    private PretrainConfig config;
    private long totalSteps;
    private long stepsPerEpoch;
    private int numClasses;
    private SslMethod method;
    private Encoder encoder;
    private long[] imageShape;
    private Integer viewSize;
    private Normalization normalization;
    private List<ViewPolicy> policies;
    private Long seed;
    private Optimizer optimizer;
    private LearningRateSchedule lrSchedule;
    private Double fixedLr;
    private TauSchedule tauSchedule;
    private Integer probeClasses;
    private int imageCount;
    private Precision precision;
    private Replication replication = Replication.LOCAL;

    private Builder() {}

    /**
     * The step a {@link PretrainConfig} describes, for a run of {@code totalSteps} steps of which
     * {@code stepsPerEpoch} make an epoch; with a replication, the learning rate follows the global
     * batch ({@code batchSize} × replicas).
     */
    public Builder config(PretrainConfig config, long totalSteps, long stepsPerEpoch) {
      this.config = config;
      this.totalSteps = totalSteps;
      this.stepsPerEpoch = stepsPerEpoch;
      return this;
    }

    /**
     * Classes of the labeled training set (0: unlabeled); with a config that asks for the online
     * probe, the probe's classes.
     */
    public Builder numClasses(int numClasses) {
      this.numClasses = numClasses;
      return this;
    }

    public Builder method(SslMethod method) {
      this.method = method;
      return this;
    }

    public Builder encoder(Encoder encoder) {
      this.encoder = encoder;
      return this;
    }

    /** [H, W, C] of the uint8 input (required). */
    public Builder imageShape(long... imageShape) {
      this.imageShape = imageShape.clone();
      return this;
    }

    public Builder viewSize(int viewSize) {
      this.viewSize = viewSize;
      return this;
    }

    public Builder normalization(Normalization normalization) {
      this.normalization = normalization;
      return this;
    }

    public Builder policies(List<ViewPolicy> policies) {
      this.policies = policies;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder lrSchedule(LearningRateSchedule lrSchedule) {
      this.lrSchedule = lrSchedule;
      return this;
    }

    public Builder fixedLr(double fixedLr) {
      this.fixedLr = fixedLr;
      return this;
    }

    public Builder tauSchedule(TauSchedule tauSchedule) {
      this.tauSchedule = tauSchedule;
      return this;
    }

    /** The online probe's classes, whatever the config says (0: none). */
    public Builder probeClasses(int probeClasses) {
      this.probeClasses = probeClasses;
      return this;
    }

    public Builder imageCount(int imageCount) {
      this.imageCount = imageCount;
      return this;
    }

    public Builder precision(Precision precision) {
      this.precision = precision;
      return this;
    }

    public Builder replication(Replication replication) {
      this.replication = replication;
      return this;
    }

    public StepSpec build() {
      if (imageShape == null) {
        throw new IllegalStateException("a training step needs the image shape");
      }
      PretrainConfig c = config;
      int replicas = replication.replicas();
      int size =
          viewSize != null
              ? viewSize
              : c != null ? Components.viewSize(c, imageShape) : (int) imageShape[0];
      int probe = probeClasses != null ? probeClasses : configProbe();
      return new StepSpec(
          method != null ? method : Components.method(required()),
          encoder != null ? encoder : Components.encoder(required(), size),
          imageShape,
          size,
          normalization != null ? normalization : Components.normalization(required()),
          policies != null ? policies : List.of(required().view1(), required().view2()),
          seed != null ? seed : c != null ? c.seed() : 0,
          optimizer != null ? optimizer : Components.optimizer(required()),
          lrSchedule != null
              ? lrSchedule
              : Components.lrSchedule(required(), totalSteps, stepsPerEpoch, replicas),
          fixedLr != null ? fixedLr : required().peakLr(replicas),
          tauSchedule != null ? tauSchedule : Components.tauSchedule(required(), totalSteps),
          probe,
          imageCount,
          precision != null ? precision : c != null ? c.precision() : Precision.FP32,
          replication);
    }

    /** The config's online probe over the dataset's classes, if it asks for one. */
    private int configProbe() {
      if (config == null || !config.onlineProbe()) {
        return 0;
      }
      if (numClasses < 2) {
        throw new IllegalArgumentException(
            "--online-probe needs a labeled dataset; "
                + config.dataset()
                + " gives "
                + numClasses
                + " classes here");
      }
      return numClasses;
    }

    private PretrainConfig required() {
      if (config == null) {
        throw new IllegalStateException(
            "a training step needs either a config or every component named");
      }
      return config;
    }
  }
}
