package io.tfssl.cli;

import io.tfssl.train.PretrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kind of every {@code pretrain} flag: what {@code --resume} does with it. One table, so that a
 * flag cannot be silently ignored on resume; {@code PretrainFlagsTest} fails for a flag that is
 * missing here.
 *
 * <ul>
 *   <li>{@link Kind#RECIPE}: part of the run's recipe ({@code config.json}, or the cluster layout
 *       in {@code cluster.json}). On {@code --resume} the same value is accepted silently; a
 *       different one is refused, naming the saved and the given value: the checkpoint belongs to
 *       that recipe.
 *   <li>{@link Kind#RUN}: how this process runs the recipe (length, logging, checkpointing,
 *       threads, device, monitors, the cluster's addresses). Applies to the resumed run.
 *   <li>{@link Kind#SESSION}: which run ({@code --out}) and whether to continue it.
 * </ul>
 */
final class PretrainFlags {
  enum Kind {
    RECIPE,
    RUN,
    SESSION
  }

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

  static {
    for (String f :
        new String[] {
          "--method",
          "--preset",
          "--batch-size",
          "--seed",
          "--dataset",
          "--data-dir",
          "--image-size",
          "--skip-bad-images",
          "--encoder",
          "--stem",
          "--zero-init-residual",
          "--optimizer",
          "--lr",
          "--lr-scaling",
          "--lr-schedule",
          "--warmup-epochs",
          "--momentum",
          "--weight-decay",
          "--lars-eta",
          "--decay-bias-bn",
          "--projector-dims",
          "--predictor-dims",
          "--head-bn",
          "--stop-gradient",
          "--predictor",
          "--predictor-momentum",
          "--alternation-steps",
          "--predictor-lr",
          "--similarity",
          "--symmetry",
          "--tau",
          "--tau-schedule",
          "--temperature",
          "--queue-size",
          "--shuffle-bn-groups",
          "--prototypes",
          "--sinkhorn-iterations",
          "--epsilon",
          "--small-crops",
          "--small-crop-size",
          "--small-crop-scale",
          "--online-probe",
          "--precision",
          "--towers",
          "--sync-bn",
          "--config",
          "--label-offset",
          "--num-classes",
          "--image-key",
          "--label-key"
        }) {
      KINDS.put(f, Kind.RECIPE);
    }
    for (String f :
        new String[] {
          "--epochs",
          "--steps",
          "--log-every",
          "--checkpoint-every",
          "--keep-checkpoints",
          "--threads",
          "--progress",
          "--device",
          "--knn-monitor",
          "--cluster",
          "--task-index",
          "--collective-timeout",
          "--communication"
        }) {
      KINDS.put(f, Kind.RUN);
    }
    for (String f : new String[] {"--out", "--resume", "--print-config"}) {
      KINDS.put(f, Kind.SESSION);
    }
  }

  private PretrainFlags() {}

  /** The kind of a flag, by its long name; an unknown flag is a programming error. */
  static Kind kind(String flag) {
    Kind k = KINDS.get(flag);
    if (k == null) {
      throw new IllegalStateException("pretrain flag " + flag + " has no kind in PretrainFlags");
    }
    return k;
  }

  /** Every flag with a kind. */
  static Set<String> all() {
    return KINDS.keySet();
  }

  /**
   * {@code c} with the config fields that the {@link Kind#RUN} flags set taken from {@code run}, so
   * that comparing two such configs compares their recipes only.
   */
  static PretrainConfig withRunFieldsOf(PretrainConfig c, PretrainConfig run) {
    return c.toBuilder()
        .epochs(run.epochs())
        .steps(run.steps())
        .logEvery(run.logEvery())
        .checkpointEvery(run.checkpointEvery())
        .keepCheckpoints(run.keepCheckpoints())
        .threads(run.threads())
        .knnMonitor(run.knnMonitor())
        .device(run.device())
        .build();
  }

  /** The flags of one kind. */
  static Set<String> ofKind(Kind kind) {
    return KINDS.entrySet().stream()
        .filter(e -> e.getValue() == kind)
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
