package io.tfssl.cli;

import io.tfssl.train.PretrainConfig;
import io.tfssl.train.PretrainConfig.OptimizerKind;
import io.tfssl.train.PretrainConfig.ScheduleKind;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code pretrain}'s optimizer and learning-rate schedule. */
final class OptimizerOptions {
  @Option(
      names = "--optimizer",
      paramLabel = "sgd|lars",
      converter = OptimizerConverter.class,
      description = "SGD with momentum (SimSiam) or LARS (BYOL).")
  OptimizerKind optimizer;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Base learning rate (scaled by batch/256 unless --no-lr-scaling).")
  Double lr;

  @Option(names = "--lr-scaling", negatable = true, description = "lr = base * batch / 256.")
  Boolean lrScaling;

  @Option(
      names = "--lr-schedule",
      paramLabel = "cosine|constant",
      converter = ScheduleConverter.class,
      description = "Learning-rate schedule after warmup.")
  ScheduleKind lrSchedule;

  @Option(names = "--warmup-epochs", paramLabel = "E", description = "Linear warmup length.")
  Double warmupEpochs;

  @Option(names = "--momentum", paramLabel = "M", description = "Optimizer momentum.")
  Double momentum;

  @Option(names = "--weight-decay", paramLabel = "WD", description = "L2 weight decay.")
  Double weightDecay;

  @Option(
      names = "--lars-eta",
      paramLabel = "ETA",
      description = "LARS trust coefficient (LARS only).")
  Double larsEta;

  @Option(
      names = "--decay-bias-bn",
      negatable = true,
      description = "SGD also decays biases and BN parameters (as PyTorch's SGD does).")
  Boolean decayBiasAndBn;

  /** Applies every given value to {@code b}; fails for a flag of the other optimizer. */
  void applyTo(PretrainConfig.Builder b, PretrainConfig base) {
    OptimizerKind opt = optimizer != null ? optimizer : base.optimizer();
    Given.rejectUnless(
        opt == OptimizerKind.LARS, "the LARS optimizer", List.of(Given.of("--lars-eta", larsEta)));
    // LARS always leaves biases and BN parameters out of the decay (BYOL App. C).
    Given.rejectUnless(
        opt == OptimizerKind.SGD,
        "the SGD optimizer",
        List.of(Given.of("--decay-bias-bn", decayBiasAndBn)));
    if (optimizer != null) b.optimizer(optimizer);
    if (lr != null) b.baseLr(lr);
    if (lrScaling != null) b.scaleLrByBatch(lrScaling);
    if (lrSchedule != null) b.lrSchedule(lrSchedule);
    if (warmupEpochs != null) b.warmupEpochs(warmupEpochs);
    if (momentum != null) b.momentum(momentum);
    if (weightDecay != null) b.weightDecay(weightDecay);
    if (larsEta != null) b.larsEta(larsEta);
    if (decayBiasAndBn != null) b.decayBiasAndBn(decayBiasAndBn);
  }

  static final class OptimizerConverter extends EnumConverter<OptimizerKind> {
    OptimizerConverter() {
      super(OptimizerKind.class);
    }
  }

  /** Also {@code --tau-schedule}'s: the same two schedules. */
  static final class ScheduleConverter extends EnumConverter<ScheduleKind> {
    ScheduleConverter() {
      super(ScheduleKind.class);
    }
  }
}
