package io.tfssl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.data.Datasets;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.data.Split;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.FineTune;
import io.tfssl.eval.LinearEval;
import io.tfssl.eval.RankEval;
import io.tfssl.export.ModelMetadata;
import io.tfssl.export.SavedModels;
import io.tfssl.features.KnnEval;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tfssl eval}: the papers' evaluation protocols on a SavedModel, optionally side by side
 * with the same encoder untrained.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a SavedModel's embedding: linear, kNN, semi-supervised fine-tuning, "
            + "transfer, effective rank.",
    subcommands = {
      EvalCommand.Linear.class,
      EvalCommand.Knn.class,
      EvalCommand.Finetune.class,
      EvalCommand.Transfer.class,
      EvalCommand.Rank.class
    })
public final class EvalCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  /** Options every protocol takes. */
  static final class Common {
    @Option(
        names = "--model",
        required = true,
        paramLabel = "DIR",
        description = "SavedModel version directory (or a model directory: its latest version).")
    Path model;

    @Option(
        names = "--dataset",
        paramLabel = "NAME",
        description =
            "Labeled dataset to evaluate on (default: the one the model was pretrained on).")
    String dataset;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "Folder with the dataset's files (default /usr/share/datasets/<name>).")
    Path dataDir;

    @Option(
        names = "--image-size",
        paramLabel = "PX",
        defaultValue = "0",
        description = "Decode folder/TFRecord images to PX×PX (default: the model's input size).")
    int imageSize;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Use only the first N images of each split, for a quick check (default: all).")
    int limit;

    @Option(
        names = "--baseline",
        paramLabel = "random-init",
        description = "Also evaluate the same encoder untrained and print both.")
    String baseline;

    @Option(
        names = "--report",
        paramLabel = "FILE.json",
        description = "Write the results as JSON.")
    Path report;

    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "0",
        description = "Seed of validation split, shuffles, subsets (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--threads",
        paramLabel = "T",
        defaultValue = "0",
        description = "Cores TF may use (0 = all).")
    int threads;

    @Mixin TfRecordOptions tfRecord = new TfRecordOptions();

    /** Every flag's range, before the model or the data are touched. */
    void validate() {
      CliChecks.nonNegative("--image-size", imageSize);
      CliChecks.nonNegative("--limit", limit);
      CliChecks.nonNegative("--threads", threads);
      CliChecks.writableFile("--report", report);
      withBaseline();
    }

    boolean withBaseline() {
      if (baseline == null) {
        return false;
      }
      if (!baseline.equals("random-init")) {
        throw new UsageException("--baseline must be random-init, got '" + baseline + "'");
      }
      return true;
    }

    ModelMetadata metadata() {
      return ModelMetadata.read(SavedModels.resolve(model)).orElse(null);
    }

    EvalData data(String fallback) {
      String name = dataset != null ? dataset : fallback;
      if (name == null) {
        throw new UsageException(
            "--dataset is required: "
                + model
                + " has no metadata.json"
                + " naming the dataset it was trained on");
      }
      Datasets.check(name);
      ModelMetadata m = metadata();
      int size = imageSize > 0 ? imageSize : m != null ? m.height() : 0;
      if (limit < 0) {
        throw new UsageException("--limit cannot be negative, got " + limit);
      }
      return new EvalData(
          name, dataDir, new Datasets.Options(size, false, tfRecord.layout(name)), limit);
    }
  }

  /** Runs one protocol on the model and, if asked, on the random-init baseline. */
  abstract static class Protocol implements Callable<Integer> {
    @Mixin Common common;

    abstract String protocol();

    /** The data to evaluate on: by default the model's own dataset (or --dataset). */
    EvalData data() {
      ModelMetadata m = common.metadata();
      return common.data(m == null ? null : m.dataset());
    }

    /** Evaluates one model; returns its metrics (top1 and top5 first). */
    abstract Map<String, Object> evaluate(Path model, boolean randomInit, EvalData data);

    Map<String, Object> settings() {
      return Map.of();
    }

    /** Checks the common flags and the protocol's own. */
    void validate() {
      common.validate();
    }

    @Override
    public Integer call() throws IOException {
      validate();
      EvalData data = data();
      boolean baseline = common.withBaseline();
      Path version = SavedModels.resolve(common.model);
      System.err.printf("%s evaluation of %s on %s%n", protocol(), version, data.dataset());
      Map<String, Object> pretrained = evaluate(version, false, data);
      Map<String, Object> random = null;
      if (baseline) {
        System.err.println("random-init baseline (the same encoder, untrained):");
        random = evaluate(version, true, data);
      }
      System.out.printf("%s evaluation on %s (test split)%n", protocol(), data.dataset());
      printTable(pretrained, random);
      if (common.report != null) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("protocol", protocol());
        json.put("model", version.toString());
        json.put("dataset", data.dataset());
        ModelMetadata m = common.metadata();
        if (m != null) {
          json.put("pretrained_on", m.dataset());
          json.put("method", m.method());
        }
        json.put("settings", settings());
        json.put("pretrained", pretrained);
        if (random != null) {
          json.put("random_init", random);
        }
        json.put("date", Instant.now().toString());
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(common.report.toFile(), json);
        System.out.println("report " + common.report);
      }
      return 0;
    }

    /** The results as a small table on stdout; {@code random} is null without a baseline. */
    void printTable(Map<String, Object> pretrained, Map<String, Object> random) {
      System.out.printf("  %-12s %8s %8s%n", "", "top-1", "top-5");
      print("pretrained", pretrained);
      if (random != null) {
        print("random init", random);
      }
    }

    private static void print(String row, Map<String, Object> r) {
      System.out.printf(
          "  %-12s %7.2f%% %7.2f%%%n",
          row, 100 * (Double) r.get("top1"), 100 * (Double) r.get("top5"));
    }

    Evaluation.FeatureSet features(Path model, boolean randomInit, EvalData data) {
      if (!randomInit) {
        return Evaluation.features(model, data, System.err::println);
      }
      try (Evaluation.Baseline b = Evaluation.randomInit(model)) {
        return Evaluation.features(b.dir(), data, System.err::println);
      }
    }
  }

  /** Linear evaluation settings shared by {@code linear} and {@code transfer}. */
  abstract static class LinearProtocol extends Protocol {
    @Option(
        names = "--epochs",
        split = ",",
        paramLabel = "N,N,...",
        description =
            "Epoch counts tried with every learning rate; the best pair on a held-out"
                + " 10%% of train is used (default: 10,30).")
    int[] epochs;

    @Option(
        names = "--lrs",
        split = ",",
        paramLabel = "LR,LR,...",
        description =
            "Learning rates tried; the best on a held-out 10%% of train is used"
                + " (default: 0.01,0.03,0.1,0.3,1).")
    double[] lrs;

    @Option(
        names = "--weight-decay",
        paramLabel = "WD",
        defaultValue = "0",
        description = "L2 weight decay of the classifier (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Override
    void validate() {
      super.validate();
      if (epochs != null) {
        for (int e : epochs) {
          CliChecks.positive("--epochs", e);
        }
      }
      if (lrs != null) {
        for (double lr : lrs) {
          CliChecks.positive("--lrs", lr);
        }
      }
      CliChecks.nonNegative("--weight-decay", weightDecay);
    }

    LinearEval.Config config() {
      LinearEval.Config d = LinearEval.Config.defaults();
      return new LinearEval.Config(
          lrs != null ? lrs : d.learningRates(),
          epochs != null ? epochs : d.epochs(),
          d.batchSize(),
          weightDecay,
          d.validationFraction(),
          common.seed,
          common.threads);
    }

    @Override
    Map<String, Object> settings() {
      LinearEval.Config c = config();
      return Map.of(
          "epochs",
          c.epochs(),
          "learning_rates",
          c.learningRates(),
          "weight_decay",
          c.weightDecay(),
          "validation_fraction",
          c.validationFraction(),
          "seed",
          c.seed());
    }

    @Override
    Map<String, Object> evaluate(Path model, boolean randomInit, EvalData data) {
      Evaluation.FeatureSet f = features(model, randomInit, data);
      LinearEval.Result r =
          LinearEval.evaluate(
              f.train(), f.test(), config(), line -> System.err.println("  " + line));
      System.err.println("  " + r.summary());
      return linearMetrics(r);
    }
  }

  static Map<String, Object> linearMetrics(LinearEval.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("top1", r.top1());
    m.put("top5", r.top5());
    m.put("chosen_lr", r.chosenLearningRate());
    m.put("chosen_epochs", r.chosenEpochs());
    m.put("learning_rates", r.learningRates());
    m.put("epochs", r.candidateEpochs());
    m.put("validation_top1", r.validationTop1());
    m.put("train", r.trainSize());
    m.put("validation", r.validationSize());
    m.put("test", r.testSize());
    return m;
  }

  static Map<String, Object> knnMetrics(KnnEval.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("top1", r.top1());
    m.put("top5", r.top5());
    m.put("k", r.k());
    m.put("temperature", r.temperature());
    m.put("bank", r.bankSize());
    m.put("queries", r.querySize());
    return m;
  }

  @Command(
      name = "linear",
      mixinStandardHelpOptions = true,
      description = {
        "Linear evaluation on frozen features (SimSiam App. D, BYOL App. C.1):"
            + " features standardized with the training statistics, a softmax classifier trained"
            + " by SGD with momentum and cosine decay, the learning rate chosen on a held-out"
            + " 10%% of the training split together with the number of epochs (never on test),"
            + " then retrained on all of it;"
            + " top-1 and top-5 on the test split."
      },
      footer = {
        "",
        "Example:",
        "  tfssl eval linear --model saved_models/s1/1 --baseline random-init"
      })
  static final class Linear extends LinearProtocol {
    @Override
    String protocol() {
      return "linear";
    }
  }

  @Command(
      name = "transfer",
      mixinStandardHelpOptions = true,
      description = {
        "Linear evaluation on another dataset than the one pretrained on (for example"
            + " Fashion-MNIST -> MNIST). Images of another shape are converted (gray <-> RGB,"
            + " bilinear resize) to the model's input."
      },
      footer = {"", "Example:", "  tfssl eval transfer --model saved_models/s1/1 --dataset mnist"})
  static final class Transfer extends LinearProtocol {
    @Override
    String protocol() {
      return "transfer";
    }

    @Override
    EvalData data() {
      if (common.dataset == null) {
        throw new UsageException("eval transfer needs --dataset (the dataset to transfer to)");
      }
      ModelMetadata m = common.metadata();
      if (m != null && m.dataset().equals(common.dataset)) {
        throw new UsageException(
            "the model was pretrained on "
                + m.dataset()
                + "; transfer means another dataset (use 'eval linear' for the same one)");
      }
      return common.data(null);
    }
  }

  @Command(
      name = "knn",
      mixinStandardHelpOptions = true,
      description = {
        "Weighted kNN on cosine similarity (InstDisc §3.4, the SimSiam and MoCo"
            + " monitor): the training split is the bank, each test image votes with its k nearest"
            + " neighbours weighted by exp(similarity / temperature)."
      },
      footer = {
        "",
        "Example:",
        "  tfssl eval knn --model saved_models/s1/1 --k 200 --temperature 0.1"
      })
  static final class Knn extends Protocol {
    @Option(
        names = "--k",
        paramLabel = "K",
        defaultValue = "200",
        description = "Neighbours (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
        names = "--temperature",
        paramLabel = "T",
        defaultValue = "0.1",
        description = "Temperature of the vote weights (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Override
    String protocol() {
      return "knn";
    }

    @Override
    void validate() {
      super.validate();
      CliChecks.positive("--k", k);
      CliChecks.positive("--temperature", temperature);
    }

    KnnEval.Config config() {
      return KnnEval.Config.defaults().withK(k).withTemperature(temperature);
    }

    @Override
    Map<String, Object> settings() {
      return Map.of("k", k, "temperature", temperature);
    }

    @Override
    Map<String, Object> evaluate(Path model, boolean randomInit, EvalData data) {
      KnnEval.Config c = config();
      Evaluation.FeatureSet f = features(model, randomInit, data);
      KnnEval.Result r = KnnEval.evaluate(f.train(), f.test(), c);
      System.err.println("  " + r.summary());
      return knnMetrics(r);
    }
  }

  @Command(
      name = "finetune",
      mixinStandardHelpOptions = true,
      description = {
        "Semi-supervised evaluation (SimCLR §6, BYOL Table 2): fine-tune the encoder"
            + " and a linear head on a class-balanced, seeded 1%% or 10%% of the training labels,"
            + " then report on the test split. With --baseline random-init the same encoder is"
            + " trained from scratch on the same labels."
      },
      footer = {"", "Example:", "  tfssl eval finetune --model saved_models/s1/1 --labels 10%%"})
  static final class Finetune extends Protocol {
    @Option(
        names = "--labels",
        required = true,
        paramLabel = "1%|10%",
        description = "Fraction of the training labels, as a percentage.")
    String labels;

    @Option(
        names = "--epochs",
        paramLabel = "N",
        description = "Epochs over the labeled subset (default: 60 for <= 1%%, else 30).")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default 0.1).")
    Double lr;

    @Option(names = "--batch-size", paramLabel = "B", description = "Batch size (default 64).")
    Integer batchSize;

    @Override
    String protocol() {
      return "finetune " + labels;
    }

    @Override
    EvalData data() {
      ModelMetadata m = common.metadata();
      if (m == null) {
        throw new UsageException(
            common.model
                + " has no metadata.json: fine-tuning needs a model"
                + " exported by tf-ssl (./tfssl export)");
      }
      return common.data(m.dataset());
    }

    @Override
    void validate() {
      super.validate();
      CliChecks.positive("--epochs", epochs);
      CliChecks.positive("--lr", lr);
      CliChecks.positive("--batch-size", batchSize);
      config();
    }

    FineTune.Config config() {
      String p = labels.trim();
      if (!p.matches("\\d+(\\.\\d+)?%")) {
        throw new UsageException(
            "--labels must be a percentage such as 1% or 10%, got '" + labels + "'");
      }
      double fraction = Double.parseDouble(p.substring(0, p.length() - 1)) / 100;
      if (!(fraction > 0 && fraction <= 1)) {
        throw new UsageException("--labels must be in (0%, 100%], got " + labels);
      }
      FineTune.Config d = FineTune.Config.defaults(fraction);
      return new FineTune.Config(
          fraction,
          epochs != null ? epochs : d.epochs(),
          batchSize != null ? batchSize : d.batchSize(),
          lr != null ? lr : d.learningRate(),
          common.seed,
          common.threads);
    }

    @Override
    Map<String, Object> settings() {
      FineTune.Config c = config();
      return Map.of(
          "label_fraction",
          c.labelFraction(),
          "epochs",
          c.epochs(),
          "batch_size",
          c.batchSize(),
          "lr",
          c.learningRate(),
          "seed",
          c.seed());
    }

    @Override
    Map<String, Object> evaluate(Path model, boolean randomInit, EvalData data) {
      FineTune.Result r =
          Evaluation.fineTune(model, data, randomInit, config(), System.err::println);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("top1", r.top1());
      m.put("top5", r.top5());
      m.put("labeled_images", r.labeledImages());
      m.put("epochs", r.epochs());
      m.put("steps", r.steps());
      return m;
    }
  }

  @Command(
      name = "rank",
      mixinStandardHelpOptions = true,
      description = {
        "Effective rank (RankMe, Garrido et al. 2023) of the export's embedding and"
            + " projection on the first N test images, in inference mode: exp of the entropy of"
            + " the normalized singular values, between 1 (every image on one direction) and"
            + " min(N, d). A label-free check for dimensional collapse."
      },
      footer = {
        "",
        "Example:",
        "  tfssl eval rank --model saved_models/s1/1 --baseline random-init"
      })
  static final class Rank extends Protocol {
    @Option(
        names = "--images",
        paramLabel = "N",
        defaultValue = "" + RankEval.DEFAULT_IMAGES,
        description = "Test images to measure on (default: ${DEFAULT-VALUE}).")
    int images;

    @Override
    String protocol() {
      return "rank";
    }

    @Override
    void validate() {
      super.validate();
      CliChecks.positive("--images", images);
    }

    @Override
    Map<String, Object> settings() {
      return Map.of("images", images);
    }

    @Override
    Map<String, Object> evaluate(Path model, boolean randomInit, EvalData data) {
      ImageSource test = data.open(Split.TEST);
      try (Evaluation.Baseline baseline = randomInit ? Evaluation.randomInit(model) : null) {
        RankEval.Result r =
            RankEval.evaluate(baseline != null ? baseline.dir() : model, test, images);
        System.err.println("  " + r.summary());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rank_embedding", r.embedding());
        m.put("dim_embedding", r.embeddingDim());
        m.put("rank_projection", r.projection());
        m.put("dim_projection", r.projectionDim());
        m.put("images", r.images());
        return m;
      } finally {
        Sources.closeQuietly(test);
      }
    }

    @Override
    void printTable(Map<String, Object> pretrained, Map<String, Object> random) {
      System.out.printf(
          "  %-12s %16s %16s  (of %d images)%n",
          "", "rank embedding", "rank projection", (Integer) pretrained.get("images"));
      row("pretrained", pretrained);
      if (random != null) {
        row("random init", random);
      }
    }

    private static void row(String name, Map<String, Object> r) {
      System.out.printf(
          "  %-12s %9.1f / %-4d %9.1f / %-4d%n",
          name,
          (Double) r.get("rank_embedding"),
          (Long) r.get("dim_embedding"),
          (Double) r.get("rank_projection"),
          (Long) r.get("dim_projection"));
    }
  }
}
