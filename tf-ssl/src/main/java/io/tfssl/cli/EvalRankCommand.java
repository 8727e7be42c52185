package io.tfssl.cli;

import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.data.Split;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.RankEval;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl eval rank}. */
@Command(
    name = "rank",
    mixinStandardHelpOptions = true,
    description = {
      "Effective rank (RankMe, Garrido et al. 2023) of the export's embedding and"
          + " projection on the first N test images, in inference mode: exp of the entropy of"
          + " the normalized singular values, between 1 (every image on one direction) and"
          + " min(N, d). A label-free check for dimensional collapse."
    },
    footer = {"", "Example:", "  tfssl eval rank --model saved_models/s1/1 --baseline random-init"})
final class EvalRankCommand extends EvalProtocol {
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
