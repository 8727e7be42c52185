package io.tfssl.cli;

import io.tfssl.train.PretrainConfig;
import io.tfssl.train.PretrainConfig.ScheduleKind;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s switches of a target network that follows the online one by an exponential
 * moving average: BYOL's target (Grill et al. 2020, §3.1) and MoCo v2's key encoder.
 */
final class MomentumTargetOptions {
  @Option(
      names = "--tau",
      paramLabel = "TAU",
      description =
          "BYOL: base EMA rate tau0 (1 = target fixed at its random init); MoCo v2: the"
              + " key encoder's momentum m.")
  Double tau;

  @Option(
      names = "--tau-schedule",
      paramLabel = "cosine|constant",
      converter = OptimizerOptions.ScheduleConverter.class,
      description = "BYOL, MoCo v2: tau rises to 1 by a cosine, or stays constant.")
  ScheduleKind tauSchedule;

  /** Fails for a flag given with a method without a moving-average target. */
  void requireApplicable(String method) {
    Given.rejectUnless(
        method.equals("byol") || method.equals("mocov2"),
        "BYOL and MoCo v2",
        List.of(Given.of("--tau", tau), Given.of("--tau-schedule", tauSchedule)));
  }

  /** Applies every given value to {@code b}. */
  void applyTo(PretrainConfig.Builder b) {
    if (tau != null) b.tauBase(tau);
    if (tauSchedule != null) b.tauSchedule(tauSchedule);
  }
}
