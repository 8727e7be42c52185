package io.tfssl.cli;

import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.features.KnnEval;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl eval knn}. */
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
final class EvalKnnCommand extends EvalProtocol {
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
    return EvalMetrics.knn(r);
  }
}
