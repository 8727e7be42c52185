package io.tfssl.cli;

import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.distributed.ClusterRunInfo;
import io.tfssl.distributed.ClusterSpec;
import io.tfssl.distributed.ClusterTraining;
import io.tfssl.distributed.TowerTraining;
import io.tfssl.method.ByolConfig;
import io.tfssl.method.MoCoConfig;
import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.Similarity;
import io.tfssl.method.SwavConfig;
import io.tfssl.method.Symmetry;
import io.tfssl.nn.Encoders;
import io.tfssl.nn.HeadBn;
import io.tfssl.nn.ResNet;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.PretrainConfig.OptimizerKind;
import io.tfssl.train.PretrainConfig.ScheduleKind;
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

  // ---- run ----
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

  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set.")
  Integer epochs;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Optimizer steps (wins over --epochs).")
  Long steps;

  @Option(names = "--batch-size", paramLabel = "B", description = "Images per step.")
  Integer batchSize;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of init, data order and augmentation.")
  Long seed;

  // ---- data and encoder ----
  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description =
          "Training data: fashion-mnist (default), mnist, cifar10, cifar100, stl10, "
              + "folder (root/<class>/*.jpg|png), tfrecord (Example layout, see --label-offset).")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Folder with the dataset's files (default /usr/share/datasets/<name>; "
              + "Fashion-MNIST: /usr/share/datasets/fashion-mnist).")
  Path dataDir;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      description =
          "Side of the augmented views, and of decoded folder/TFRecord images "
              + "(default: the dataset's own size; 96 for folder/tfrecord).")
  Integer imageSize;

  @Option(
      names = "--skip-bad-images",
      negatable = true,
      description =
          "Skip undecodable images of a folder or TFRecord (counted and reported) "
              + "instead of stopping.")
  Boolean skipBadImages;

  @Mixin TfRecordOptions tfRecord = new TfRecordOptions();

  @Option(
      names = "--encoder",
      paramLabel = "small|resnet18|resnet34|resnet50",
      description = "Backbone.")
  String encoder;

  @Option(
      names = "--stem",
      paramLabel = "cifar|imagenet",
      converter = StemConverter.class,
      description = "ResNet stem (default: cifar up to 64 px, imagenet above).")
  ResNet.Stem stem;

  @Option(
      names = "--zero-init-residual",
      negatable = true,
      description = "Start each residual branch's last BN at gamma 0.")
  Boolean zeroInitResidual;

  // ---- optimization ----
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

  // ---- heads ----
  @Option(
      names = "--projector-dims",
      split = ",",
      paramLabel = "D,D,...",
      description = "Widths of the projector's layers.")
  List<Integer> projectorDims;

  @Option(
      names = "--predictor-dims",
      split = ",",
      paramLabel = "D,D",
      description = "SimSiam, BYOL: widths of the predictor's layers (last = projector output).")
  List<Integer> predictorDims;

  @Option(
      names = "--head-bn",
      paramLabel = "none|hidden|hidden-output|all",
      converter = HeadBnConverter.class,
      description = "SimSiam, BYOL, SimCLR: BN layout of the heads (SimSiam Table 4).")
  HeadBn headBn;

  // ---- SimSiam switches ----
  @Mixin SimSiamOptions simsiam = new SimSiamOptions();

  // ---- BYOL and MoCo v2 switches ----
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
      converter = ScheduleConverter.class,
      description = "BYOL, MoCo v2: tau rises to 1 by a cosine, or stays constant.")
  ScheduleKind tauSchedule;

  // ---- SimCLR, MoCo v2 and SwAV switches ----
  @Option(
      names = "--temperature",
      paramLabel = "T",
      description =
          "SimCLR: NT-Xent temperature; MoCo v2: InfoNCE temperature; SwAV: softmax"
              + " temperature over the prototype scores.")
  Double temperature;

  @Option(
      names = "--queue-size",
      paramLabel = "K",
      description = "MoCo v2: number of negative keys in the queue.")
  Integer queueSize;

  @Option(
      names = "--shuffle-bn-groups",
      paramLabel = "G",
      description =
          "MoCo v2: batch-norm groups standing in for GPUs in shuffling BN (1 = off;"
              + " the batch must be a multiple).")
  Integer shuffleBnGroups;

  // ---- SwAV switches ----
  @Mixin SwavOptions swav = new SwavOptions();

  // ---- bookkeeping ----
  @Option(names = "--log-every", paramLabel = "K", description = "Write metrics every K steps.")
  Integer logEvery;

  @Option(names = "--checkpoint-every", paramLabel = "M", description = "Checkpoint every M steps.")
  Integer checkpointEvery;

  @Option(names = "--keep-checkpoints", paramLabel = "N", description = "Checkpoints to keep.")
  Integer keepCheckpoints;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "Cores TF may use, both thread pools (0 = all cores).")
  Integer threads;

  // ---- device and precision ----
  @Option(
      names = "--device",
      paramLabel = "auto|cpu|gpu",
      converter = DeviceConverter.class,
      description =
          "Where to train: auto (default: the GPU when TensorFlow sees one, else the "
              + "CPU), cpu, or gpu (an error when TensorFlow sees no GPU; needs the -Pgpu build with "
              + "CUDA 12 and cuDNN 9). The devices TF sees are printed at start-up. May change on "
              + "--resume.")
  Device device;

  @Option(
      names = "--precision",
      paramLabel = "fp32|fp16|bf16",
      converter = PrecisionConverter.class,
      description =
          "Arithmetic of the step (default fp32): fp16 on a GPU (TF auto mixed "
              + "precision with a dynamic loss scale), bf16 on the CPU (TF's oneDNN bfloat16 rewrite; "
              + "fast only on CPUs with AVX512-BF16 or AMX). Weights stay float32.")
  Precision precision;

  @Option(
      names = "--knn-monitor",
      paramLabel = "N",
      description =
          "Every epoch, kNN top-1 of a bank of the first N training images against the"
              + " first N/5 test images, in metrics.jsonl (0 = off; SimSiam §4.1 monitor).")
  Integer knnMonitor;

  @Option(
      names = "--online-probe",
      negatable = true,
      description =
          "Train a linear classifier on the stop-gradient representation alongside and"
              + " log its accuracy as probe_top1 (needs labels).")
  Boolean onlineProbe;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Progress bar (default: when on a terminal; else log lines).")
  Boolean progress;

  // ---- cluster ----
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
      if (progress != null) {
        trainer.progressBar(progress);
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
    ConfigDiff.between(recipeOnly(saved, saved), recipeOnly(asGiven, saved), differences);
    if (!differences.isEmpty()) {
      throw new UsageException(
          "--resume continues "
              + out
              + " with its saved recipe"
              + " (config.json), and the flags given change it: "
              + String.join("; ", differences)
              + ". Repeat the run's own values, or start a new run (another --out) to change them.");
    }
    PretrainConfig.Builder b = saved.toBuilder();
    if (epochs != null) b.epochs(epochs);
    if (steps != null) b.steps(steps);
    if (logEvery != null) b.logEvery(logEvery);
    if (checkpointEvery != null) b.checkpointEvery(checkpointEvery);
    if (keepCheckpoints != null) b.keepCheckpoints(keepCheckpoints);
    if (threads != null) b.threads(threads);
    if (knnMonitor != null) b.knnMonitor(knnMonitor);
    if (device != null) b.device(device);
    return b.build();
  }

  /**
   * {@code c} with its run fields (the {@link PretrainFlags.Kind#RUN} ones) taken from {@code run},
   * so that only recipe fields are compared.
   */
  private static PretrainConfig recipeOnly(PretrainConfig c, PretrainConfig run) {
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
    PretrainConfig.Builder b = base.toBuilder();
    rejectUnless(method.equals("simsiam"), "SimSiam", simsiam.given().toArray(Given[]::new));
    rejectUnless(
        method.equals("byol") || method.equals("mocov2"),
        "BYOL and MoCo v2",
        opt("--tau", tau),
        opt("--tau-schedule", tauSchedule));
    rejectUnless(
        method.equals("simsiam") || method.equals("byol"),
        "SimSiam and BYOL",
        opt("--predictor-dims", predictorDims));
    rejectUnless(
        !method.equals("mocov2") && !method.equals("swav"),
        "SimSiam, BYOL and SimCLR",
        opt("--head-bn", headBn));
    rejectUnless(
        method.equals("simclr") || method.equals("mocov2") || method.equals("swav"),
        "SimCLR, MoCo v2 and SwAV",
        opt("--temperature", temperature));
    rejectUnless(
        method.equals("mocov2"),
        "MoCo v2",
        opt("--queue-size", queueSize),
        opt("--shuffle-bn-groups", shuffleBnGroups));
    rejectUnless(method.equals("swav"), "SwAV", swav.given().toArray(Given[]::new));
    OptimizerKind opt = optimizer != null ? optimizer : base.optimizer();
    rejectUnless(opt == OptimizerKind.LARS, "the LARS optimizer", opt("--lars-eta", larsEta));
    // LARS always leaves biases and BN parameters out of the decay (BYOL App. C).
    rejectUnless(
        opt == OptimizerKind.SGD, "the SGD optimizer", opt("--decay-bias-bn", decayBiasAndBn));
    if (encoder != null && !Encoders.NAMES.contains(encoder)) {
      // The command line builds only the built-ins; an encoder of a program's own needs that
      // program to register it (README "Use from your Maven project").
      throw new UsageException(
          "unknown encoder '" + encoder + "' (expected one of " + Encoders.NAMES + ")");
    }
    String enc = encoder != null ? encoder : base.encoder();
    rejectUnless(
        enc.startsWith("resnet"),
        "the ResNet encoders",
        opt("--stem", stem),
        opt("--zero-init-residual", zeroInitResidual));
    String data = dataset != null ? dataset : base.dataset();
    rejectUnless(
        data.equals("folder") || data.equals("tfrecord"),
        "the folder and tfrecord datasets (the only ones with encoded images to skip)",
        opt("--skip-bad-images", skipBadImages));
    // only the given tfrecord flags change the base's layout (on --resume: the saved one)
    b.tfRecord(tfRecord.layout(data, base.tfRecord()));
    switch (method) {
      case "simsiam" -> {
        SimSiamConfig s = base.simsiam();
        if (projectorDims != null) s = s.withProjectorDims(projectorDims);
        if (predictorDims != null) s = s.withPredictorDims(predictorDims);
        if (headBn != null) s = s.withHeadBn(headBn);
        b.simsiam(simsiam.applyTo(s));
      }
      case "byol" -> {
        ByolConfig y = base.byol();
        if (projectorDims != null) y = y.withProjectorDims(projectorDims);
        if (predictorDims != null) y = y.withPredictorDims(predictorDims);
        if (headBn != null) y = y.withHeadBn(headBn);
        b.byol(y);
      }
      case "simclr" -> {
        SimClrConfig c = base.simclr();
        if (projectorDims != null) c = c.withProjectorDims(projectorDims);
        if (headBn != null) c = c.withHeadBn(headBn);
        if (temperature != null) c = c.withTemperature(temperature);
        b.simclr(c);
      }
      case "mocov2" -> {
        MoCoConfig m = base.mocov2();
        if (projectorDims != null) m = m.withProjectorDims(projectorDims);
        if (temperature != null) m = m.withTemperature(temperature);
        if (queueSize != null) m = m.withQueueSize(queueSize);
        if (shuffleBnGroups != null) m = m.withShuffleBnGroups(shuffleBnGroups);
        b.mocov2(m);
      }
      default -> {
        SwavConfig w = base.swav();
        if (projectorDims != null) w = w.withProjectorDims(projectorDims);
        if (temperature != null) w = w.withTemperature(temperature);
        b.swav(swav.applyTo(w));
      }
    }
    if (tau != null) b.tauBase(tau);
    if (tauSchedule != null) b.tauSchedule(tauSchedule);
    if (dataset != null) b.dataset(dataset);
    if (dataDir != null) b.dataDir(dataDir.toString());
    if (imageSize != null) b.imageSize(imageSize);
    if (skipBadImages != null) b.skipBadImages(skipBadImages);
    if (encoder != null) b.encoder(encoder);
    if (stem != null) b.stem(stem);
    if (zeroInitResidual != null) b.zeroInitResidual(zeroInitResidual);
    if (batchSize != null) b.batchSize(batchSize);
    if (epochs != null) b.epochs(epochs);
    if (steps != null) b.steps(steps);
    if (seed != null) b.seed(seed);
    if (optimizer != null) b.optimizer(optimizer);
    if (lr != null) b.baseLr(lr);
    if (lrScaling != null) b.scaleLrByBatch(lrScaling);
    if (lrSchedule != null) b.lrSchedule(lrSchedule);
    if (warmupEpochs != null) b.warmupEpochs(warmupEpochs);
    if (momentum != null) b.momentum(momentum);
    if (weightDecay != null) b.weightDecay(weightDecay);
    if (larsEta != null) b.larsEta(larsEta);
    if (decayBiasAndBn != null) b.decayBiasAndBn(decayBiasAndBn);
    if (logEvery != null) b.logEvery(logEvery);
    if (checkpointEvery != null) b.checkpointEvery(checkpointEvery);
    if (keepCheckpoints != null) b.keepCheckpoints(keepCheckpoints);
    if (threads != null) b.threads(threads);
    if (knnMonitor != null) b.knnMonitor(knnMonitor);
    if (onlineProbe != null) b.onlineProbe(onlineProbe);
    if (device != null) b.device(device);
    if (precision != null) b.precision(precision);
    return b.build();
  }

  record Given(String flag, Object value) {}

  static Given opt(String flag, Object value) {
    return new Given(flag, value);
  }

  private static void rejectUnless(boolean applies, String what, Given... options) {
    if (applies) {
      return;
    }
    for (Given g : options) {
      if (g.value() != null) {
        throw new UsageException(g.flag() + " applies only to " + what);
      }
    }
  }

  static final class StemConverter extends EnumConverter<ResNet.Stem> {
    StemConverter() {
      super(ResNet.Stem.class);
    }
  }

  static final class OptimizerConverter extends EnumConverter<OptimizerKind> {
    OptimizerConverter() {
      super(OptimizerKind.class);
    }
  }

  static final class ScheduleConverter extends EnumConverter<ScheduleKind> {
    ScheduleConverter() {
      super(ScheduleKind.class);
    }
  }

  static final class HeadBnConverter extends EnumConverter<HeadBn> {
    HeadBnConverter() {
      super(HeadBn.class);
    }
  }

  static final class PredictorConverter extends EnumConverter<PredictorMode> {
    PredictorConverter() {
      super(PredictorMode.class);
    }
  }

  static final class SimilarityConverter extends EnumConverter<Similarity> {
    SimilarityConverter() {
      super(Similarity.class);
    }
  }

  static final class DeviceConverter extends EnumConverter<Device> {
    DeviceConverter() {
      super(Device.class);
    }
  }

  static final class PrecisionConverter extends EnumConverter<Precision> {
    PrecisionConverter() {
      super(Precision.class);
    }
  }

  static final class SymmetryConverter extends EnumConverter<Symmetry> {
    SymmetryConverter() {
      super(Symmetry.class);
    }
  }
}
