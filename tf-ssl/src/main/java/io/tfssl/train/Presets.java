package io.tfssl.train;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.method.ByolConfig;
import io.tfssl.method.MoCoConfig;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.SwavConfig;
import io.tfssl.nn.HeadBn;
import io.tfssl.nn.ResNet;
import io.tfssl.train.PretrainConfig.OptimizerKind;
import io.tfssl.train.PretrainConfig.ScheduleKind;
import java.util.List;

/**
 * Named recipes. The paper presets copy the papers' hyperparameters; {@code fmnist-small} is sized
 * for Fashion-MNIST on two CPU cores.
 */
public final class Presets {
  /** Names accepted by {@link #get}. */
  public static final List<String> NAMES =
      List.of(
          "fmnist-small",
          "simsiam-paper",
          "simsiam-cifar",
          "byol-paper",
          "simclr-paper",
          "mocov2-paper",
          "swav-paper");

  private Presets() {}

  /**
   * The preset {@code name} for {@code method}. A method-specific preset used with the other method
   * is an error; {@code fmnist-small} has a variant for each method.
   */
  public static PretrainConfig get(String name, String method) {
    if (!PretrainConfig.METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "unknown method '" + method + "' (expected one of " + PretrainConfig.METHODS + ")");
    }
    return switch (name) {
      case "fmnist-small" ->
          switch (method) {
            case "simsiam" -> fmnistSmallSimSiam();
            case "byol" -> fmnistSmallByol();
            case "simclr" -> fmnistSmallSimClr();
            case "mocov2" -> fmnistSmallMoCo();
            default -> fmnistSmallSwav();
          };
      case "simsiam-paper" -> only(name, method, "simsiam", simSiamPaper());
      case "simsiam-cifar" -> only(name, method, "simsiam", simSiamCifar());
      case "byol-paper" -> only(name, method, "byol", byolPaper());
      case "simclr-paper" -> only(name, method, "simclr", simClrPaper());
      case "mocov2-paper" -> only(name, method, "mocov2", moCoV2Paper());
      case "swav-paper" -> only(name, method, "swav", swavPaper());
      default ->
          throw new IllegalArgumentException(
              "unknown preset '" + name + "' (expected one of " + NAMES + ")");
    };
  }

  private static PretrainConfig only(
      String preset, String method, String expected, PretrainConfig config) {
    if (!method.equals(expected)) {
      throw new IllegalArgumentException(
          "preset '" + preset + "' is a " + expected + " recipe; it does not apply to " + method);
    }
    return config;
  }

  private static PretrainConfig.Builder common() {
    return new PretrainConfig.Builder()
        .dataset("fashion-mnist")
        .seed(0)
        .stem(null)
        .zeroInitResidual(false)
        .momentum(0.9)
        .larsEta(1e-3)
        .scaleLrByBatch(true)
        .lrSchedule(ScheduleKind.COSINE)
        .tauBase(0.996)
        .tauSchedule(ScheduleKind.COSINE)
        .logEvery(10)
        .checkpointEvery(500)
        .keepCheckpoints(3)
        .threads(0);
  }

  /**
   * SimSiam on ImageNet (Chen and He 2021, §3 "Optimizer"): SGD, lr = 0.05·bs/256, momentum 0.9,
   * weight decay 1e-4, cosine decay, batch 512, 100 epochs, ResNet-50, predictor lr fixed.
   */
  public static PretrainConfig simSiamPaper() {
    return common()
        .method("simsiam")
        .simsiam(SimSiamConfig.paper())
        .byol(null)
        .encoder("resnet50")
        .batchSize(512)
        .epochs(100)
        .optimizer(OptimizerKind.SGD)
        .baseLr(0.05)
        .weightDecay(1e-4)
        .decayBiasAndBn(true)
        .warmupEpochs(0)
        .view1(ViewPolicy.simsiam())
        .view2(ViewPolicy.simsiam())
        .build();
  }

  /**
   * SimSiam on CIFAR-10 (Chen and He 2021, App. A): ResNet-18 with the CIFAR stem, 2-layer
   * projector, lr = 0.03·bs/256, weight decay 5e-4, batch 512, 800 epochs, no blur.
   */
  public static PretrainConfig simSiamCifar() {
    ViewPolicy noBlur = ViewPolicy.simsiam().toBuilder().blurProb(0f).build();
    return simSiamPaper().toBuilder()
        .simsiam(SimSiamConfig.cifar())
        .encoder("resnet18")
        .stem(ResNet.Stem.CIFAR)
        .baseLr(0.03)
        .weightDecay(5e-4)
        .epochs(800)
        .view1(noBlur)
        .view2(noBlur)
        .build();
  }

  /**
   * BYOL on ImageNet (Grill et al. 2020, §3.3 and App. C): LARS (η = 1e-3, biases and BN excluded),
   * lr = 0.2·bs/256, weight decay 1.5e-6, 10 warmup epochs then cosine, τ₀ = 0.996 increased to 1
   * by a cosine, batch 4096, 1000 epochs, asymmetric views.
   */
  public static PretrainConfig byolPaper() {
    return common()
        .method("byol")
        .byol(ByolConfig.paper())
        .simsiam(null)
        .encoder("resnet50")
        .batchSize(4096)
        .epochs(1000)
        .optimizer(OptimizerKind.LARS)
        .baseLr(0.2)
        .weightDecay(1.5e-6)
        .decayBiasAndBn(false)
        .warmupEpochs(10)
        .view1(ViewPolicy.byolView1())
        .view2(ViewPolicy.byolView2())
        .build();
  }

  /**
   * Views for 28×28 grayscale images: crops down to 20% of the area (most of an 8% crop of a
   * 28-pixel image is one or two strokes), flips, brightness and contrast jitter, a small blur; the
   * second view also solarizes sometimes, as BYOL's does.
   */
  public static ViewPolicy grayscaleView(boolean second) {
    return ViewPolicy.builder()
        .cropScale(0.2f, 1f)
        .cropRatio(0.75f, 4f / 3f)
        .flipProb(0.5f)
        .jitterProb(0.8f)
        .jitter(0.4f, 0.4f, 0f, 0f)
        .grayscaleProb(0f)
        .blurProb(second ? 0.1f : 0.5f)
        .blurSigma(0.1f, 1.0f)
        .blurKernelFraction(0.1f)
        .solarizeProb(second ? 0.2f : 0f)
        .solarizeThreshold(0.5f)
        .build();
  }

  /**
   * SimSiam for Fashion-MNIST with the {@code small} encoder: heads sized for its 256-d output
   * (projector 512-512, predictor 128-512 keeping SimSiam's 4× bottleneck), the CIFAR recipe's
   * weight decay, batch 256, SGD with lr 0.3·bs/256. The paper's 0.05 is for 100-800 epochs; for
   * the demo's few epochs a higher rate learns faster: in 2-epoch runs the kNN monitor rose with
   * the rate from 0.05 through 0.15 to 0.3.
   */
  public static PretrainConfig fmnistSmallSimSiam() {
    SimSiamConfig heads =
        SimSiamConfig.paper()
            .withProjectorDims(List.of(512, 512))
            .withPredictorDims(List.of(128, 512));
    return common()
        .method("simsiam")
        .simsiam(heads)
        .byol(null)
        .encoder("small")
        .batchSize(256)
        .epochs(10)
        .optimizer(OptimizerKind.SGD)
        .baseLr(0.3)
        .weightDecay(5e-4)
        .decayBiasAndBn(true)
        .warmupEpochs(0)
        .view1(grayscaleView(false))
        .view2(grayscaleView(true))
        .build();
  }

  /**
   * BYOL for Fashion-MNIST with the {@code small} encoder: heads 1024-128, LARS with the
   * small-dataset settings of solo-learn's CIFAR recipe (lr 1.0·bs/256, η 0.02, wd 1e-5), τ₀ 0.99
   * as BYOL suggests for short runs, one warmup epoch.
   */
  public static PretrainConfig fmnistSmallByol() {
    ByolConfig heads = new ByolConfig(List.of(1024, 128), List.of(1024, 128), HeadBn.HIDDEN);
    return common()
        .method("byol")
        .byol(heads)
        .simsiam(null)
        .encoder("small")
        .batchSize(256)
        .epochs(10)
        .optimizer(OptimizerKind.LARS)
        .baseLr(1.0)
        .larsEta(0.02)
        .weightDecay(1e-5)
        .decayBiasAndBn(false)
        .warmupEpochs(1)
        .tauBase(0.99)
        .view1(grayscaleView(false))
        .view2(grayscaleView(true))
        .build();
  }

  /**
   * SimCLR on ImageNet (Chen et al. 2020, §2.3 "Default setting" and the released recipe):
   * ResNet-50, LARS (η = 1e-3, biases and BN excluded), lr = 0.3·bs/256 (4.8 at batch 4096), weight
   * decay 1e-6, 10 warmup epochs then cosine, batch 4096, 100 epochs, projector 2048-128, NT-Xent
   * temperature 0.1, SimCLR's augmentation (colour strength 1) on both views.
   */
  public static PretrainConfig simClrPaper() {
    return common()
        .method("simclr")
        .simclr(SimClrConfig.paper())
        .encoder("resnet50")
        .batchSize(4096)
        .epochs(100)
        .optimizer(OptimizerKind.LARS)
        .baseLr(0.3)
        .weightDecay(1e-6)
        .decayBiasAndBn(false)
        .warmupEpochs(10)
        .view1(ViewPolicy.simclr())
        .view2(ViewPolicy.simclr())
        .build();
  }

  /**
   * MoCo v2 on ImageNet (Chen, Fan, Girshick and He 2020, "Improved Baselines", §3; MoCo §3.3):
   * ResNet-50, SGD lr 0.03·bs/256, momentum 0.9, weight decay 1e-4, cosine, batch 256, 200 epochs,
   * MLP head 2048-128, queue K = 65536, τ = 0.2, key encoder momentum m = 0.999 (constant), MoCo
   * v2's augmentation (crop 0.2-1, jitter (0.4, 0.4, 0.4, 0.1) p 0.8, grayscale 0.2, blur p 0.5:
   * SimSiam's, which reuses it), shuffling BN over 8 groups (its 8 GPUs).
   */
  public static PretrainConfig moCoV2Paper() {
    return common()
        .method("mocov2")
        .mocov2(MoCoConfig.paper())
        .encoder("resnet50")
        .batchSize(256)
        .epochs(200)
        .optimizer(OptimizerKind.SGD)
        .baseLr(0.03)
        .weightDecay(1e-4)
        .decayBiasAndBn(true)
        .warmupEpochs(0)
        .tauBase(0.999)
        .tauSchedule(ScheduleKind.CONSTANT)
        .view1(ViewPolicy.simsiam())
        .view2(ViewPolicy.simsiam())
        .build();
  }

  /**
   * SwAV on ImageNet (Caron et al. 2020, App. A.1 and the released 800-epoch recipe): ResNet-50,
   * LARS (η = 1e-3), lr = 0.3·bs/256 (4.8 at batch 4096; the paper decays it to 0.0048, the cosine
   * here ends at 0), weight decay 1e-6, 10 warmup epochs, batch 4096, 800 epochs, head 2048-128,
   * 3000 prototypes, τ = 0.1, Sinkhorn ε = 0.05 with 3 iterations, multi-crop 2×224 (crops of
   * 14-100% of the image) + 6×96 (5-14%), SimCLR's augmentation. Differences: LARS here leaves
   * biases and BN parameters out of weight decay and adaptation (the paper's LARC covers every
   * parameter), and the prototypes are not frozen during the first epoch.
   */
  public static PretrainConfig swavPaper() {
    ViewPolicy large = ViewPolicy.simclr().toBuilder().cropScale(0.14f, 1f).build();
    return common()
        .method("swav")
        .swav(SwavConfig.paper())
        .encoder("resnet50")
        .imageSize(224)
        .batchSize(4096)
        .epochs(800)
        .optimizer(OptimizerKind.LARS)
        .baseLr(0.3)
        .weightDecay(1e-6)
        .decayBiasAndBn(false)
        .warmupEpochs(10)
        .view1(large)
        .view2(large)
        .build();
  }

  /**
   * SimCLR for Fashion-MNIST with the {@code small} encoder: projector 512-128, NT-Xent temperature
   * 0.5 (the paper's CIFAR-10 value, App. B.9), LARS with the settings of the BYOL preset (lr
   * 1.0·bs/256, η 0.02, wd 1e-5, one warmup epoch), batch 256.
   */
  public static PretrainConfig fmnistSmallSimClr() {
    SimClrConfig heads = new SimClrConfig(List.of(512, 128), HeadBn.HIDDEN_OUTPUT, 0.5);
    return common()
        .method("simclr")
        .simclr(heads)
        .encoder("small")
        .batchSize(256)
        .epochs(10)
        .optimizer(OptimizerKind.LARS)
        .baseLr(1.0)
        .larsEta(0.02)
        .weightDecay(1e-5)
        .decayBiasAndBn(false)
        .warmupEpochs(1)
        .view1(grayscaleView(false))
        .view2(grayscaleView(true))
        .build();
  }

  /**
   * MoCo v2 for Fashion-MNIST with the {@code small} encoder: head 512-128, a queue of 4096 keys
   * (16 batches, 7% of the training set, as 65536 is 5% of ImageNet), τ = 0.2, momentum m = 0.99
   * (constant: with 0.999 the key encoder would barely move in a one-epoch run of 234 steps),
   * shuffling BN over 4 groups of 64, SGD lr 0.06·bs/256 with weight decay 5e-4, batch 256.
   */
  public static PretrainConfig fmnistSmallMoCo() {
    MoCoConfig heads = new MoCoConfig(List.of(512, 128), 4096, 0.2, 4);
    return common()
        .method("mocov2")
        .mocov2(heads)
        .encoder("small")
        .batchSize(256)
        .epochs(10)
        .optimizer(OptimizerKind.SGD)
        .baseLr(0.06)
        .weightDecay(5e-4)
        .decayBiasAndBn(true)
        .warmupEpochs(0)
        .tauBase(0.99)
        .tauSchedule(ScheduleKind.CONSTANT)
        .view1(grayscaleView(false))
        .view2(grayscaleView(true))
        .build();
  }

  /**
   * SwAV for Fashion-MNIST with the {@code small} encoder: head 512-128, 100 prototypes (10
   * classes; a 256 batch still puts about 2.5 samples on each), τ = 0.1, ε = 0.05, 3 Sinkhorn
   * iterations, multi-crop 2×28 + 4×14 with small crops of 10-40% of the image (the paper's 5-14%
   * of a 28-pixel image would be a few strokes), LARS as the 256-batch recipe (lr 0.6·bs/256, wd
   * 1e-6) with the BYOL preset's η 0.02.
   */
  public static PretrainConfig fmnistSmallSwav() {
    SwavConfig heads = new SwavConfig(List.of(512, 128), 100, 0.1, 0.05, 3, 4, 14, 0.1, 0.4);
    return common()
        .method("swav")
        .swav(heads)
        .encoder("small")
        .batchSize(256)
        .epochs(10)
        .optimizer(OptimizerKind.LARS)
        .baseLr(0.6)
        .larsEta(0.02)
        .weightDecay(1e-6)
        .decayBiasAndBn(false)
        .warmupEpochs(0)
        .view1(grayscaleView(false))
        .view2(grayscaleView(true))
        .build();
  }
}
