package io.tfssl.bench;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.data.Normalization;
import io.tfssl.method.ByolConfig;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SwavConfig;
import io.tfssl.nn.Encoders;
import io.tfssl.train.Components;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import java.util.List;

/**
 * What {@link StepBench} measures: one training step of {@code method} with {@code encoder} on a
 * synthetic uint8 batch, with the papers' head sizes.
 *
 * <ul>
 *   <li>{@code small}: 28×28×1 (Fashion-MNIST) input, Fashion-MNIST normalization;
 *   <li>{@code resnet18} (and the other ResNets): 32×32×3 (CIFAR) input, the CIFAR stem and
 *       CIFAR-10 normalization; or {@code imageSize}×{@code imageSize}×3 with the stem {@link
 *       Encoders#stemFor} picks (ImageNet's above 64 pixels) and ImageNet normalization.
 * </ul>
 *
 * <p>Heads: SimSiam projector 2048-2048 (the CIFAR 2-layer variant) and predictor 512-2048; BYOL
 * projector and predictor 4096-256; SimCLR, MoCo v2 and SwAV projector 2048-128 (SwAV with its 3000
 * prototypes). Everything else (optimizer, head BN layout, τ, queue size, multi-crop, weight decay)
 * comes from the {@code fmnist-small} preset of the method.
 *
 * @param method one of {@link PretrainConfig#METHODS}
 * @param encoder one of {@link Encoders#NAMES}
 * @param batchSize images per step (each gives two views)
 * @param augment false: the {@link #networkOnlyViews() network-only views} (identity crop, the
 *     second one mirrored); true: the preset's views for {@code small}, {@link
 *     ViewPolicy#simsiam()} (SimSiam, MoCo v2), BYOL's {@link ViewPolicy#byolView1()}/{@link
 *     ViewPolicy#byolView2()} or {@link ViewPolicy#simclr()} (SimCLR, SwAV) for the ResNets
 * @param steps timed steps (&ge; 1)
 * @param warmup untimed steps first (&ge; 0)
 * @param threads TensorFlow intra-op threads; 0 lets TF choose (every core)
 * @param seed seeds the synthetic bytes, the initialization and the augmentation
 * @param imageSize ResNets only: side of the input, 0 for 32 (CIFAR)
 * @param device where to run ({@link io.tfssl.compute.ComputeSetup})
 * @param precision the step's arithmetic
 */
public record StepBenchSpec(
    String method,
    String encoder,
    int batchSize,
    boolean augment,
    int steps,
    int warmup,
    int threads,
    long seed,
    int imageSize,
    Device device,
    Precision precision) {

  /** 32×32 ResNet input (or 28×28×1 for small), device auto, fp32. */
  public StepBenchSpec(
      String method,
      String encoder,
      int batchSize,
      boolean augment,
      int steps,
      int warmup,
      int threads,
      long seed) {
    this(
        method,
        encoder,
        batchSize,
        augment,
        steps,
        warmup,
        threads,
        seed,
        0,
        Device.AUTO,
        Precision.FP32);
  }

  /** SimSiam's projector widths (CIFAR variant, Chen and He 2021 §A). */
  public static final List<Integer> SIMSIAM_PROJECTOR = List.of(2048, 2048);

  /** SimSiam's predictor widths (bottleneck 512). */
  public static final List<Integer> SIMSIAM_PREDICTOR = List.of(512, 2048);

  /** BYOL's projector widths (Grill et al. 2020 §3.3). */
  public static final List<Integer> BYOL_PROJECTOR = List.of(4096, 256);

  /** BYOL's predictor widths. */
  public static final List<Integer> BYOL_PREDICTOR = List.of(4096, 256);

  /** SimCLR's, MoCo v2's and SwAV's projector widths (2048-128 in all three papers). */
  public static final List<Integer> CONTRASTIVE_PROJECTOR = SimClrConfig.paper().projectorDims();

  public StepBenchSpec {
    require(
        method != null && PretrainConfig.METHODS.contains(method),
        "unknown method '" + method + "' (expected one of " + PretrainConfig.METHODS + ")");
    require(
        encoder != null && Encoders.NAMES.contains(encoder),
        "unknown encoder '" + encoder + "' (expected one of " + Encoders.NAMES + ")");
    require(batchSize > 0, "--batch-size must be positive, got " + batchSize);
    require(steps > 0, "--steps must be positive, got " + steps);
    require(warmup >= 0, "--warmup cannot be negative, got " + warmup);
    require(threads >= 0, "--threads cannot be negative, got " + threads);
    require(imageSize >= 0, "--image-size cannot be negative, got " + imageSize);
    require(
        imageSize == 0 || !"small".equals(encoder),
        "--image-size applies only to the ResNets (small takes 28x28x1)");
    device = device == null ? Device.AUTO : device;
    precision = precision == null ? Precision.FP32 : precision;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Default timed steps: 20 for {@code small}, 10 for the ResNets. */
  public static int defaultSteps(String encoder) {
    return "small".equals(encoder) ? 20 : 10;
  }

  /** Default warm-up steps. */
  public static final int DEFAULT_WARMUP = 3;

  public boolean isSmall() {
    return encoder.equals("small");
  }

  /** The uint8 input, [H, W, C]. */
  public long[] imageShape() {
    return isSmall() ? new long[] {28, 28, 1} : new long[] {side(), side(), 3};
  }

  /** The ResNet input side: {@code imageSize}, or 32. */
  private int side() {
    return imageSize > 0 ? imageSize : 32;
  }

  /** "28x28x1" and the like. */
  public String inputLabel() {
    long[] s = imageShape();
    return s[0] + "x" + s[1] + "x" + s[2];
  }

  /** Warm-up plus timed steps: the run length the schedules see. */
  public long totalSteps() {
    return (long) warmup + steps;
  }

  /**
   * The {@code fmnist-small} preset of the method with the heads, encoder, stem, batch size,
   * threads, seed and run length changed.
   */
  public PretrainConfig config() {
    PretrainConfig base = Presets.get("fmnist-small", method);
    PretrainConfig.Builder b =
        base.toBuilder()
            .encoder(encoder)
            .stem(isSmall() ? null : Encoders.stemFor(side()))
            .device(device)
            .precision(precision)
            .batchSize(batchSize)
            .threads(threads)
            .seed(seed)
            .steps(totalSteps());
    switch (method) {
      case "simsiam" ->
          b.simsiam(
              base.simsiam()
                  .withProjectorDims(SIMSIAM_PROJECTOR)
                  .withPredictorDims(SIMSIAM_PREDICTOR));
      case "byol" -> {
        ByolConfig heads =
            base.byol().withProjectorDims(BYOL_PROJECTOR).withPredictorDims(BYOL_PREDICTOR);
        b.byol(heads);
      }
      case "simclr" -> b.simclr(base.simclr().withProjectorDims(CONTRASTIVE_PROJECTOR));
      case "mocov2" -> b.mocov2(base.mocov2().withProjectorDims(CONTRASTIVE_PROJECTOR));
      default ->
          b.swav(
              base.swav()
                  .withProjectorDims(CONTRASTIVE_PROJECTOR)
                  .withPrototypes(SwavConfig.paper().prototypes()));
    }
    if (!augment) {
      List<ViewPolicy> views = networkOnlyViews();
      b.view1(views.get(0)).view2(views.get(1));
    } else if (!isSmall()) {
      switch (method) {
        case "simsiam", "mocov2" -> b.view1(ViewPolicy.simsiam()).view2(ViewPolicy.simsiam());
        case "byol" -> b.view1(ViewPolicy.byolView1()).view2(ViewPolicy.byolView2());
        default -> b.view1(ViewPolicy.simclr()).view2(ViewPolicy.simclr());
      }
    }
    return b.build();
  }

  /**
   * The views without augmentation: {@link ViewPolicy#none()} (identity crop) for view 1 and the
   * same with every image mirrored (one {@code Reverse}, no random op) for view 2.
   *
   * <p>Why not {@code none()} twice: the two views would then be the same tensor, and Grappler's
   * common-subexpression elimination merges the two encoder passes into one (a traced step shows
   * half the {@code Conv2D} ops), so the "step" would do half the network work of a real one.
   */
  public static List<ViewPolicy> networkOnlyViews() {
    return List.of(ViewPolicy.none(), ViewPolicy.none().toBuilder().flipProb(1f).build());
  }

  /** Fashion-MNIST statistics for 1-channel input, CIFAR-10's at 32 pixels, else ImageNet's. */
  public Normalization normalization(PretrainConfig config) {
    if (isSmall()) {
      return Components.normalization(config);
    }
    return side() == 32 ? Normalization.cifar10() : Normalization.imagenet();
  }

  /** "2048-2048" for the projector and "512-2048" for the predictor, or BYOL's, ... */
  public String projectorLabel() {
    return dims(
        switch (method) {
          case "simsiam" -> SIMSIAM_PROJECTOR;
          case "byol" -> BYOL_PROJECTOR;
          default -> CONTRASTIVE_PROJECTOR;
        });
  }

  /** The predictor's widths, or "none" for methods without one. */
  public String predictorLabel() {
    return switch (method) {
      case "simsiam" -> dims(SIMSIAM_PREDICTOR);
      case "byol" -> dims(BYOL_PREDICTOR);
      default -> "none";
    };
  }

  private static String dims(List<Integer> d) {
    return String.join("-", d.stream().map(String::valueOf).toList());
  }
}
