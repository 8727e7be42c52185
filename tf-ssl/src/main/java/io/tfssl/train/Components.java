package io.tfssl.train;

import io.tfssl.data.Datasets;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Normalization;
import io.tfssl.data.Split;
import io.tfssl.method.Byol;
import io.tfssl.method.MoCoV2;
import io.tfssl.method.SimClr;
import io.tfssl.method.SimSiam;
import io.tfssl.method.SslMethod;
import io.tfssl.method.SwAV;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.Encoders;
import io.tfssl.optim.ConstantLr;
import io.tfssl.optim.Lars;
import io.tfssl.optim.LearningRateSchedule;
import io.tfssl.optim.Optimizer;
import io.tfssl.optim.SgdMomentum;
import io.tfssl.optim.TauSchedule;
import io.tfssl.optim.WarmupCosine;
import java.nio.file.Path;

/** Turns a {@link PretrainConfig} into the objects a run is made of. */
public final class Components {
  private Components() {}

  public static SslMethod method(PretrainConfig c) {
    return switch (c.method()) {
      case "simsiam" -> new SimSiam(c.simsiam());
      case "byol" -> new Byol(c.byol());
      case "simclr" -> new SimClr(c.simclr());
      case "mocov2" -> new MoCoV2(c.mocov2());
      case "swav" -> new SwAV(c.swav());
      default -> throw new IllegalArgumentException("unknown method " + c.method());
    };
  }

  /** The encoder, with the stem chosen from the image size when the config leaves it open. */
  public static Encoder encoder(PretrainConfig c, int imageSize) {
    return Encoders.create(
        c.encoder(),
        c.stem() != null ? c.stem() : Encoders.stemFor(imageSize),
        c.zeroInitResidual());
  }

  public static Path dataDir(PretrainConfig c) {
    return c.dataDir() != null ? Path.of(c.dataDir()) : Datasets.defaultDir(c.dataset());
  }

  public static Datasets.Options dataOptions(PretrainConfig c) {
    return new Datasets.Options(c.imageSize(), c.skipBadImages(), c.tfRecord());
  }

  /** The images pretraining reads (STL-10: train + unlabeled), opened and validated. */
  public static ImageSource pretrainingSource(PretrainConfig c) {
    return Datasets.pretraining(c.dataset(), dataDir(c), dataOptions(c));
  }

  /** A labeled split of the run's dataset. */
  public static ImageSource source(PretrainConfig c, Split split) {
    return Datasets.open(c.dataset(), dataDir(c), split, dataOptions(c));
  }

  public static Normalization normalization(PretrainConfig c) {
    return Datasets.normalization(c.dataset());
  }

  /** The side of the augmented views: the config's image size, else the input's height. */
  public static int viewSize(PretrainConfig c, long[] imageShape) {
    return c.imageSize() > 0 ? c.imageSize() : (int) imageShape[0];
  }

  public static Optimizer optimizer(PretrainConfig c) {
    return switch (c.optimizer()) {
      case SGD -> new SgdMomentum(c.momentum(), c.weightDecay(), c.decayBiasAndBn());
      case LARS -> new Lars(c.momentum(), c.weightDecay(), c.larsEta());
    };
  }

  public static LearningRateSchedule lrSchedule(
      PretrainConfig c, long totalSteps, long stepsPerEpoch) {
    return lrSchedule(c, totalSteps, stepsPerEpoch, 1);
  }

  /** As above, for {@code replicas} data-parallel workers (the lr follows the global batch). */
  public static LearningRateSchedule lrSchedule(
      PretrainConfig c, long totalSteps, long stepsPerEpoch, int replicas) {
    double peak = c.peakLr(replicas);
    return switch (c.lrSchedule()) {
      case COSINE ->
          new WarmupCosine(
              peak,
              Math.min(Math.round(c.warmupEpochs() * stepsPerEpoch), totalSteps - 1),
              totalSteps);
      case CONSTANT -> new ConstantLr(peak);
    };
  }

  public static TauSchedule tauSchedule(PretrainConfig c, long totalSteps) {
    return switch (c.tauSchedule()) {
      case COSINE -> TauSchedule.cosine(c.tauBase(), totalSteps);
      case CONSTANT -> TauSchedule.constant(c.tauBase());
    };
  }
}
