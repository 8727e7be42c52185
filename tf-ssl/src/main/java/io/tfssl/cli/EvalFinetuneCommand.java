package io.tfssl.cli;

import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.FineTune;
import io.tfssl.export.ModelMetadata;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl eval finetune}. */
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
final class EvalFinetuneCommand extends EvalProtocol {
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
    FineTune.Result r = Evaluation.fineTune(model, data, randomInit, config(), System.err::println);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("top1", r.top1());
    m.put("top5", r.top5());
    m.put("labeled_images", r.labeledImages());
    m.put("epochs", r.epochs());
    m.put("steps", r.steps());
    // Why a pretrained encoder can fine-tune worse than from scratch: see KernelChange.
    m.put("kernel_scale", r.kernels().scale());
    m.put("kernel_turn_degrees", r.kernels().turnDegrees());
    return m;
  }
}
