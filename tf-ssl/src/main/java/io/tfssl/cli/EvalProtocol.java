package io.tfssl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.export.ModelMetadata;
import io.tfssl.export.SavedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** Runs one protocol on the model and, if asked, on the random-init baseline. */
abstract class EvalProtocol implements Callable<Integer> {
  @Mixin EvalOptions common;

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
