package io.tfssl.cli;

import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.LinearEval;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Linear evaluation settings shared by {@code linear} and {@code transfer}. */
abstract class LinearProtocol extends EvalProtocol {
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
        LinearEval.evaluate(f.train(), f.test(), config(), line -> System.err.println("  " + line));
    System.err.println("  " + r.summary());
    return EvalMetrics.linear(r);
  }
}
