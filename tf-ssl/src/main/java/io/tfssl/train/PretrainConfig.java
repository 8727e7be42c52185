package io.tfssl.train;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.data.Datasets;
import io.tfssl.data.TfRecordLayout;
import io.tfssl.method.ByolConfig;
import io.tfssl.method.MoCoConfig;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.SwavConfig;
import io.tfssl.nn.Encoders;
import io.tfssl.nn.ResNet;
import java.util.List;

/**
 * Everything that defines a pretraining run, so that the same record rebuilds the same graph on
 * resume (it is stored as {@code config.json} in the run folder). Start from a {@link Presets}
 * recipe or {@link #builder()} and change what you need.
 *
 * @param method one of {@link #METHODS}
 * @param simsiam SimSiam's switches (used when method is simsiam; null otherwise in presets)
 * @param byol BYOL's switches (used when method is byol)
 * @param simclr SimCLR's switches (used when method is simclr)
 * @param mocov2 MoCo v2's switches (used when method is mocov2)
 * @param swav SwAV's switches (used when method is swav)
 * @param encoder {@code small}, {@code resnet18}, {@code resnet34}, {@code resnet50}, or a name
 *     registered with {@link Encoders#register} (an encoder of your own) before the run is built
 * @param stem ResNet stem; null chooses from the image size ({@link Encoders#stemFor})
 * @param zeroInitResidual start every residual branch's last BN at gamma 0
 * @param dataset one of {@link Datasets#NAMES}
 * @param dataDir folder with the dataset's files; null for the default location
 * @param imageSize side of the augmented views (and of decoded folder/TFRecord images); 0 for the
 *     dataset's own size (folder/TFRecord: {@link Datasets#DEFAULT_ENCODED_SIZE})
 * @param skipBadImages skip and count undecodable images of folders and TFRecords
 * @param batchSize images per step (each gives {@code numViews} views)
 * @param epochs passes over the training set; ignored when {@code steps > 0}
 * @param steps total optimizer steps; 0 to derive from epochs
 * @param seed seeds initialization, data order and augmentation
 * @param optimizer SGD with momentum (SimSiam) or LARS (BYOL)
 * @param baseLr learning rate before batch scaling
 * @param scaleLrByBatch use lr = baseLr·batchSize/256 (Goyal et al. 2017), as both papers do
 * @param momentum optimizer momentum
 * @param weightDecay L2 weight decay
 * @param larsEta LARS trust coefficient η
 * @param decayBiasAndBn whether SGD also decays biases and BN parameters (PyTorch's SGD does)
 * @param warmupEpochs linear warmup length in epochs (BYOL: 10)
 * @param lrSchedule cosine decay or constant
 * @param tauBase BYOL's τ₀, or MoCo's key-encoder momentum m
 * @param tauSchedule cosine increase of τ to 1 (BYOL §3.2) or constant (MoCo)
 * @param view1 augmentation of the first view
 * @param view2 augmentation of the second view (and of views 3, 4 alternately)
 * @param logEvery write metrics every this many steps
 * @param checkpointEvery checkpoint every this many steps (and always at the end)
 * @param keepCheckpoints how many checkpoints to keep
 * @param threads bound on both TensorFlow thread pools; 0 lets TF use every core
 * @param knnMonitor kNN monitor at every epoch's end: the bank is the first N training images and
 *     the queries the first N/5 test images (0: off)
 * @param onlineProbe train a linear probe on the stop-gradient representation and log its accuracy
 * @param device where to train ({@link io.tfssl.compute.ComputeSetup}); null (a config.json from
 *     before this field) means {@link Device#AUTO}
 * @param precision the step's arithmetic; null (an older config.json) means {@link Precision#FP32}
 * @param tfRecord feature names and label numbering of a TFRecord dataset; null (an older
 *     config.json, or not given) means {@link TfRecordLayout#defaults()}: ImageNet's names,
 *     numbering detected from the labels
 */
public record PretrainConfig(
    String method,
    SimSiamConfig simsiam,
    ByolConfig byol,
    SimClrConfig simclr,
    MoCoConfig mocov2,
    SwavConfig swav,
    String encoder,
    ResNet.Stem stem,
    boolean zeroInitResidual,
    String dataset,
    String dataDir,
    int imageSize,
    boolean skipBadImages,
    int batchSize,
    int epochs,
    long steps,
    long seed,
    OptimizerKind optimizer,
    double baseLr,
    boolean scaleLrByBatch,
    double momentum,
    double weightDecay,
    double larsEta,
    boolean decayBiasAndBn,
    double warmupEpochs,
    ScheduleKind lrSchedule,
    double tauBase,
    ScheduleKind tauSchedule,
    ViewPolicy view1,
    ViewPolicy view2,
    int logEvery,
    int checkpointEvery,
    int keepCheckpoints,
    int threads,
    int knnMonitor,
    boolean onlineProbe,
    Device device,
    Precision precision,
    TfRecordLayout tfRecord) {

  /** Methods this engine trains. */
  public static final List<String> METHODS = List.of("simsiam", "byol", "simclr", "mocov2", "swav");

  /** Datasets the engine reads. */
  public static final List<String> DATASETS = Datasets.NAMES;

  /** Which optimizer updates the online network. */
  public enum OptimizerKind {
    SGD,
    LARS
  }

  /** How a scheduled value moves over the run. */
  public enum ScheduleKind {
    COSINE,
    CONSTANT
  }

  public PretrainConfig {
    device = device == null ? Device.AUTO : device;
    precision = precision == null ? Precision.FP32 : precision;
    tfRecord = tfRecord == null ? TfRecordLayout.defaults() : tfRecord;
    require(
        METHODS.contains(method),
        "unknown method '" + method + "' (expected one of " + METHODS + ")");
    // Only the name's form: whether it can be built is checked where it is built
    // (Encoders.create), so that an export of an encoder registered by another program still
    // reads (its metadata.json holds this config) where that encoder is not registered.
    require(
        Encoders.isValidName(encoder),
        "encoder name '" + encoder + "' must be letters," + " digits, '.', '_' or '-'");
    require(
        DATASETS.contains(dataset),
        "unknown dataset '" + dataset + "' (expected one of " + DATASETS + ")");
    Object settings =
        switch (method) {
          case "simsiam" -> simsiam;
          case "byol" -> byol;
          case "simclr" -> simclr;
          case "mocov2" -> mocov2;
          default -> swav;
        };
    require(settings != null, "the " + method + " settings are missing");
    switch (method) {
      case "simsiam" -> simsiam.validate();
      case "byol" -> byol.validate();
      case "simclr" -> simclr.validate();
      case "mocov2" -> {
        mocov2.validate();
        require(
            batchSize % mocov2.shuffleBnGroups() == 0,
            "the batch size ("
                + batchSize
                + ") must be a multiple of the shuffle-BN groups ("
                + mocov2.shuffleBnGroups()
                + ")");
      }
      default -> swav.validate();
    }
    require(imageSize >= 0, "image size cannot be negative, got " + imageSize);
    require(batchSize > 0, "batch size must be positive, got " + batchSize);
    require(steps > 0 || epochs > 0, "give a positive number of epochs or steps");
    require(steps >= 0 && epochs >= 0, "epochs and steps cannot be negative");
    require(baseLr > 0 && Double.isFinite(baseLr), "learning rate must be positive, got " + baseLr);
    require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
    require(weightDecay >= 0, "weight decay cannot be negative, got " + weightDecay);
    require(larsEta > 0, "LARS eta must be positive, got " + larsEta);
    require(warmupEpochs >= 0, "warmup cannot be negative, got " + warmupEpochs);
    require(tauBase >= 0 && tauBase <= 1, "tau must be in [0, 1], got " + tauBase);
    require(logEvery > 0, "--log-every must be positive, got " + logEvery);
    require(checkpointEvery > 0, "--checkpoint-every must be positive, got " + checkpointEvery);
    require(keepCheckpoints > 0, "--keep-checkpoints must be positive, got " + keepCheckpoints);
    require(threads >= 0, "threads cannot be negative, got " + threads);
    require(knnMonitor >= 0, "--knn-monitor cannot be negative, got " + knnMonitor);
    require(
        knnMonitor == 0 || knnMonitor >= 10,
        "--knn-monitor needs at least 10 images, got " + knnMonitor);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The learning rate actually used at the peak of the schedule. */
  public double peakLr() {
    return peakLr(1);
  }

  /**
   * The peak learning rate when {@code replicas} data-parallel workers each train on a batch of
   * {@code batchSize}: scaled by the global batch (Goyal et al. 2017).
   */
  public double peakLr(int replicas) {
    return scaleLrByBatch ? baseLr * batchSize * replicas / 256.0 : baseLr;
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with the {@code fmnist-small} SimSiam recipe as its starting point. */
  public static Builder builder() {
    return Presets.get("fmnist-small", "simsiam").toBuilder();
  }

  /** Fluent changes to a config; {@link #build()} validates. */
  public static final class Builder {
    private String method;
    private SimSiamConfig simsiam;
    private ByolConfig byol;
    private SimClrConfig simclr;
    private MoCoConfig mocov2;
    private SwavConfig swav;
    private String encoder;
    private ResNet.Stem stem;
    private boolean zeroInitResidual;
    private String dataset;
    private String dataDir;
    private int imageSize;
    private boolean skipBadImages;
    private int batchSize;
    private int epochs;
    private long steps;
    private long seed;
    private OptimizerKind optimizer;
    private double baseLr;
    private boolean scaleLrByBatch;
    private double momentum;
    private double weightDecay;
    private double larsEta;
    private boolean decayBiasAndBn;
    private double warmupEpochs;
    private ScheduleKind lrSchedule;
    private double tauBase;
    private ScheduleKind tauSchedule;
    private ViewPolicy view1;
    private ViewPolicy view2;
    private int logEvery;
    private int checkpointEvery;
    private int keepCheckpoints;
    private int threads;
    private int knnMonitor;
    private boolean onlineProbe;
    private Device device;
    private Precision precision;
    private TfRecordLayout tfRecord;

    Builder(PretrainConfig c) {
      method = c.method;
      simsiam = c.simsiam;
      byol = c.byol;
      simclr = c.simclr;
      mocov2 = c.mocov2;
      swav = c.swav;
      encoder = c.encoder;
      stem = c.stem;
      zeroInitResidual = c.zeroInitResidual;
      dataset = c.dataset;
      dataDir = c.dataDir;
      imageSize = c.imageSize;
      skipBadImages = c.skipBadImages;
      batchSize = c.batchSize;
      epochs = c.epochs;
      steps = c.steps;
      seed = c.seed;
      optimizer = c.optimizer;
      baseLr = c.baseLr;
      scaleLrByBatch = c.scaleLrByBatch;
      momentum = c.momentum;
      weightDecay = c.weightDecay;
      larsEta = c.larsEta;
      decayBiasAndBn = c.decayBiasAndBn;
      warmupEpochs = c.warmupEpochs;
      lrSchedule = c.lrSchedule;
      tauBase = c.tauBase;
      tauSchedule = c.tauSchedule;
      view1 = c.view1;
      view2 = c.view2;
      logEvery = c.logEvery;
      checkpointEvery = c.checkpointEvery;
      keepCheckpoints = c.keepCheckpoints;
      threads = c.threads;
      knnMonitor = c.knnMonitor;
      onlineProbe = c.onlineProbe;
      device = c.device;
      precision = c.precision;
      tfRecord = c.tfRecord;
    }

    Builder() {}

    public Builder method(String v) {
      method = v;
      return this;
    }

    public Builder simsiam(SimSiamConfig v) {
      simsiam = v;
      return this;
    }

    public Builder byol(ByolConfig v) {
      byol = v;
      return this;
    }

    public Builder simclr(SimClrConfig v) {
      simclr = v;
      return this;
    }

    public Builder mocov2(MoCoConfig v) {
      mocov2 = v;
      return this;
    }

    public Builder swav(SwavConfig v) {
      swav = v;
      return this;
    }

    public Builder encoder(String v) {
      encoder = v;
      return this;
    }

    public Builder stem(ResNet.Stem v) {
      stem = v;
      return this;
    }

    public Builder zeroInitResidual(boolean v) {
      zeroInitResidual = v;
      return this;
    }

    public Builder dataset(String v) {
      dataset = v;
      return this;
    }

    public Builder dataDir(String v) {
      dataDir = v;
      return this;
    }

    public Builder imageSize(int v) {
      imageSize = v;
      return this;
    }

    public Builder skipBadImages(boolean v) {
      skipBadImages = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** Sets the run length in epochs (and clears a step count). */
    public Builder epochs(int v) {
      epochs = v;
      steps = 0;
      return this;
    }

    /** Sets the run length in steps (it wins over epochs). */
    public Builder steps(long v) {
      steps = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder optimizer(OptimizerKind v) {
      optimizer = v;
      return this;
    }

    public Builder baseLr(double v) {
      baseLr = v;
      return this;
    }

    public Builder scaleLrByBatch(boolean v) {
      scaleLrByBatch = v;
      return this;
    }

    public Builder momentum(double v) {
      momentum = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder larsEta(double v) {
      larsEta = v;
      return this;
    }

    public Builder decayBiasAndBn(boolean v) {
      decayBiasAndBn = v;
      return this;
    }

    public Builder warmupEpochs(double v) {
      warmupEpochs = v;
      return this;
    }

    public Builder lrSchedule(ScheduleKind v) {
      lrSchedule = v;
      return this;
    }

    public Builder tauBase(double v) {
      tauBase = v;
      return this;
    }

    public Builder tauSchedule(ScheduleKind v) {
      tauSchedule = v;
      return this;
    }

    public Builder view1(ViewPolicy v) {
      view1 = v;
      return this;
    }

    public Builder view2(ViewPolicy v) {
      view2 = v;
      return this;
    }

    public Builder logEvery(int v) {
      logEvery = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder keepCheckpoints(int v) {
      keepCheckpoints = v;
      return this;
    }

    public Builder threads(int v) {
      threads = v;
      return this;
    }

    public Builder knnMonitor(int v) {
      knnMonitor = v;
      return this;
    }

    public Builder onlineProbe(boolean v) {
      onlineProbe = v;
      return this;
    }

    public Builder device(Device v) {
      device = v;
      return this;
    }

    public Builder precision(Precision v) {
      precision = v;
      return this;
    }

    public Builder tfRecord(TfRecordLayout v) {
      tfRecord = v;
      return this;
    }

    public PretrainConfig build() {
      return new PretrainConfig(
          method,
          simsiam,
          byol,
          simclr,
          mocov2,
          swav,
          encoder,
          stem,
          zeroInitResidual,
          dataset,
          dataDir,
          imageSize,
          skipBadImages,
          batchSize,
          epochs,
          steps,
          seed,
          optimizer,
          baseLr,
          scaleLrByBatch,
          momentum,
          weightDecay,
          larsEta,
          decayBiasAndBn,
          warmupEpochs,
          lrSchedule,
          tauBase,
          tauSchedule,
          view1,
          view2,
          logEvery,
          checkpointEvery,
          keepCheckpoints,
          threads,
          knnMonitor,
          onlineProbe,
          device,
          precision,
          tfRecord);
    }
  }
}
