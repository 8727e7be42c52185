package io.tfssl.cli;

import io.tfssl.distributed.ClusterRunInfo;
import io.tfssl.distributed.ClusterSpec;
import io.tfssl.distributed.ClusterTraining;
import io.tfssl.distributed.TowerTraining;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.RunFolder;
import io.tfssl.train.TrainResult;
import io.tfssl.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code tfssl pretrain}: trains SimSiam, BYOL, SimCLR, MoCo v2 or SwAV without labels. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Pretrains an encoder without labels with SimSiam, BYOL, SimCLR, MoCo v2 or SwAV.",
      "Starts from a preset recipe (--preset) and applies every flag given on top of it.",
      "Writes config.json, metrics.jsonl, TensorBoard events and checkpoints to --out."
    },
    footer = {
      "",
      "Examples:",
      "  tfssl pretrain --method simsiam --preset fmnist-small --epochs 1 --out runs/s1",
      "  tfssl pretrain --method simsiam --no-stop-gradient --steps 300 --out runs/collapse",
      "  tfssl pretrain --method simsiam --alternation-steps 10 --out runs/alternation-10",
      "  tfssl pretrain --method simsiam --predictor moving-average --out runs/eta-average",
      "  tfssl pretrain --method byol --tau 1 --out runs/fixed-target",
      "  tfssl pretrain --method mocov2 --queue-size 8192 --out runs/moco",
      "  tfssl pretrain --method swav --small-crops 0 --out runs/swav-2crops",
      "  tfssl pretrain --method byol --preset byol-paper --device gpu --precision fp16 --out runs/b",
      "  tfssl pretrain --method simsiam --precision bf16 --out runs/s-bf16",
      "  tfssl pretrain --out runs/s1 --resume --epochs 20",
      "  tfssl pretrain --cluster host0:2222,host1:2222 --task-index 0 --sync-bn --out runs/c",
      "  tfssl pretrain --towers 4 --communication nccl --sync-bn --out runs/t   (4 GPUs)"
    })
public final class PretrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Which recipe and which run; everything else is in the mixins, in help order.
  @Option(
      names = "--method",
      paramLabel = "simsiam|byol|simclr|mocov2|swav",
      defaultValue = "simsiam",
      description = "Method to train (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      defaultValue = "fmnist-small",
      description =
          "Recipe to start from: fmnist-small (default; per method), simsiam-paper, "
              + "simsiam-cifar, byol-paper, simclr-paper, mocov2-paper, swav-paper.")
  String preset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Start from this recipe instead of --preset: a run's config.json, or a file"
              + " with the same keys as JSON or YAML (.yaml/.yml) giving only those it changes (laid"
              + " over the preset of its method). Flags given beside it override it.")
  Path configFile;

  // --run is what export calls the run folder; both spellings work here.
  @Option(
      names = {"--out", "--run"},
      paramLabel = "DIR",
      description = "Run folder (required" + " unless --print-config; --run is the same).")
  Path out;

  @Option(
      names = "--print-config",
      description =
          "Print the fully resolved config (preset,"
              + " --config and flags; with --resume the run's) as JSON, and exit without training.")
  boolean printConfig;

  @Option(
      names = "--resume",
      description =
          "Continue the run in --out from its latest "
              + "checkpoint, with its saved recipe: recipe flags given must repeat its values; run flags"
              + " (--epochs, --steps, --threads, --log-every, --checkpoint-every, --keep-checkpoints,"
              + " --device, --knn-monitor, --progress, cluster addresses) apply to the resumed run.")
  boolean resume;

  @Mixin TrainingOptions training = new TrainingOptions();

  @Mixin TrainingDataOptions data = new TrainingDataOptions();

  @Mixin EncoderOptions encoder = new EncoderOptions();

  @Mixin OptimizerOptions optimizer = new OptimizerOptions();

  @Mixin HeadOptions heads = new HeadOptions();

  @Mixin SimSiamOptions simsiam = new SimSiamOptions();

  @Mixin MomentumTargetOptions target = new MomentumTargetOptions();

  @Mixin ContrastiveOptions contrastive = new ContrastiveOptions();

  @Mixin SwavOptions swav = new SwavOptions();

  @Mixin RunOptions run = new RunOptions();

  @Mixin ClusterOptions clusterOptions = new ClusterOptions();

  @Override
  public Integer call() throws java.io.IOException {
    if (printConfig) {
      PretrainConfig c =
          resume ? resumedConfig(new RunFolder(requireOut()).readConfig()) : config();
      System.out.println(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(c));
      return 0;
    }
    requireOut();
    Optional<ClusterSpec> cluster = clusterOptions.spec(System.getenv());
    Trainer trainer;
    if (!resume) {
      // Before the preset is even built: a run that cannot be written must not start.
      CliChecks.writableDirectory("--out", out);
    }
    if (resume) {
      if (cluster.isEmpty() && !TowerTraining.isTowerRun(out)) {
        // Before config.json is read: a cluster run's other workers hold no copy of it.
        ClusterTraining.requireSingleProcessRun(out);
      }
      PretrainConfig resumed = resumedConfig(new RunFolder(out).readConfig());
      checkClusterLayoutOnResume();
      UnaryOperator<PretrainConfig> change = saved -> resumed;
      if (cluster.isPresent()) {
        trainer = ClusterTraining.resume(out, change, cluster.get(), clusterOptions.options());
      } else if (TowerTraining.isTowerRun(out)) {
        // The run's towers and batch norm come from its folder.
        trainer = TowerTraining.resume(out, change, clusterOptions.options());
      } else {
        ClusterTraining.requireSingleProcessRun(out);
        trainer = Trainer.resume(out, change);
      }
    } else if (cluster.isPresent()) {
      trainer = ClusterTraining.create(config(), out, cluster.get(), clusterOptions.options());
    } else if (clusterOptions.towers() > 1) {
      trainer = TowerTraining.create(config(), out, clusterOptions.options());
    } else {
      trainer = Trainer.create(config(), out);
    }
    try (trainer) {
      if (run.progress != null) {
        trainer.progressBar(run.progress);
      }
      PretrainConfig c = trainer.config();
      int towers =
          clusterOptions.towers() > 1
              ? clusterOptions.towers()
              : ClusterRunInfo.read(trainer.runFolder().dir())
                  .map(ClusterRunInfo::towers)
                  .orElse(1);
      String perReplica =
          towers > 1
              ? c.batchSize() + " per tower x " + towers + " towers"
              : String.valueOf(c.batchSize());
      String batch =
          cluster
              .map(
                  k ->
                      perReplica
                          + (towers > 1 ? "" : " per worker")
                          + " x "
                          + k.size()
                          + " workers (worker "
                          + k.taskIndex()
                          + ")")
              .orElse(perReplica);
      System.err.printf(
          "%s on %s, encoder %s (%.1f MFLOP/image), batch %s, %d steps -> %s%n",
          c.method(),
          c.dataset(),
          c.encoder(),
          trainer.encoderFlopsPerImage() / 1e6,
          batch,
          trainer.totalSteps(),
          trainer.runFolder().dir());
      TrainResult r = trainer.train();
      if (r.endStep() == r.startStep()) {
        // A resumed run that had already reached its length: nothing ran, so there is no loss
        // or throughput to print (they would read NaN and 0).
        System.out.printf(
            "the run is already at step %d of %d: nothing to train (give a larger --steps or"
                + " --epochs with --resume to continue it)%n",
            r.endStep(), trainer.totalSteps());
        return 0;
      }
      System.out.printf(
          "steps %d..%d  loss %.4f -> %.4f  collapse std*sqrt(d) %.3f"
              + "  rank y %.1f z %.1f  %.0f img/s%n",
          r.startStep(),
          r.endStep(),
          r.firstLoss(),
          r.lastLoss(),
          r.lastCollapseStd(),
          r.lastRankY(),
          r.lastRankZ(),
          r.imagesPerSecond());
      if (r.checkpoint() != null) {
        System.out.println("checkpoint " + r.checkpoint());
      }
    }
    return 0;
  }

  private Path requireOut() {
    if (out == null) {
      throw new UsageException("Missing required option: '--out=DIR' (the run folder)");
    }
    return out;
  }

  /** The recipe the flags apply to: --config's file over its preset, or --preset. */
  private PretrainConfig base() {
    if (configFile == null) {
      return Presets.get(preset, method);
    }
    PretrainConfig fromFile = ConfigFile.read(configFile, preset, method);
    boolean methodGiven = spec.commandLine().getParseResult().hasMatchedOption("--method");
    if (methodGiven && !method.equals(fromFile.method())) {
      throw new UsageException(
          "--method "
              + method
              + " differs from --config "
              + configFile
              + "'s method "
              + fromFile.method());
    }
    method = fromFile.method();
    return fromFile;
  }

  /** The preset (or --config) with every given flag applied, validated. */
  PretrainConfig config() {
    return config(base());
  }

  /**
   * The config {@code --resume} continues with: the saved one, with the given {@link
   * PretrainFlags.Kind#RUN run flags} applied. Every given {@link PretrainFlags.Kind#RECIPE recipe
   * flag} must agree with the saved recipe (repeating the original command with {@code --resume}
   * appended is accepted); a difference is refused, naming the saved and the given value.
   */
  PretrainConfig resumedConfig(PretrainConfig saved) {
    Set<String> given = new LinkedHashSet<>();
    for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
      given.add(o.longestName());
      PretrainFlags.kind(o.longestName()); // fails loudly for a flag without a kind
    }
    if (!given.contains("--method") && !given.contains("--config")) {
      method = saved.method();
    } else if (given.contains("--method") && !method.equals(saved.method())) {
      throw new UsageException(
          "--resume continues "
              + out
              + " with its saved recipe"
              + " (config.json), and the flags given change it: method: "
              + saved.method()
              + " in the run, "
              + method
              + " given. Start a new run (another --out) to change it.");
    }
    // With --preset or --config the recipe is rebuilt as the original command built it; without,
    // the given recipe flags are applied to the saved recipe. Either way it must come out
    // unchanged.
    PretrainConfig asGiven =
        config(given.contains("--preset") || given.contains("--config") ? base() : saved);
    List<String> differences = new ArrayList<>();
    ConfigDiff.between(
        PretrainFlags.withRunFieldsOf(saved, saved),
        PretrainFlags.withRunFieldsOf(asGiven, saved),
        differences);
    if (!differences.isEmpty()) {
      throw new UsageException(
          "--resume continues "
              + out
              + " with its saved recipe"
              + " (config.json), and the flags given change it: "
              + String.join("; ", differences)
              + ". Repeat the run's own values, or start a new run (another --out) to change them.");
    }
    // Every given recipe flag repeats the saved value, so applying the given flags to the saved
    // recipe changes only its run fields.
    return config(saved);
  }

  /** --towers and --sync-bn are recorded in the run's cluster.json, not config.json. */
  void checkClusterLayoutOnResume() {
    Optional<ClusterRunInfo> info = ClusterRunInfo.read(out);
    int savedTowers = info.map(ClusterRunInfo::towers).orElse(1);
    boolean savedSyncBn = info.map(ClusterRunInfo::syncBatchNorm).orElse(false);
    if (clusterOptions.towers != null && clusterOptions.towers != savedTowers) {
      throw new UsageException(
          "--resume continues "
              + out
              + " with its saved layout: --towers "
              + savedTowers
              + " in the run, "
              + clusterOptions.towers
              + " given");
    }
    if (clusterOptions.syncBn != null && clusterOptions.syncBn != savedSyncBn) {
      throw new UsageException(
          "--resume continues "
              + out
              + " with its saved layout: --sync-bn "
              + savedSyncBn
              + " in the run, "
              + clusterOptions.syncBn
              + " given");
    }
  }

  /** {@code base} with every given flag applied, validated. */
  private PretrainConfig config(PretrainConfig base) {
    // First every check of a flag against the method, in help order, then the rest.
    simsiam.requireApplicable(method);
    target.requireApplicable(method);
    heads.requireApplicable(method);
    contrastive.requireApplicable(method);
    swav.requireApplicable(method);
    PretrainConfig.Builder b = base.toBuilder();
    optimizer.applyTo(b, base);
    encoder.applyTo(b, base);
    data.applyTo(b, base);
    switch (method) {
      case "simsiam" -> b.simsiam(simsiam.applyTo(heads.applyTo(base.simsiam())));
      case "byol" -> b.byol(heads.applyTo(base.byol()));
      case "simclr" -> b.simclr(contrastive.applyTo(heads.applyTo(base.simclr())));
      case "mocov2" -> b.mocov2(contrastive.applyTo(heads.applyTo(base.mocov2())));
      default -> b.swav(swav.applyTo(contrastive.applyTo(heads.applyTo(base.swav()))));
    }
    target.applyTo(b);
    training.applyTo(b);
    run.applyTo(b);
    return b.build();
  }
}
