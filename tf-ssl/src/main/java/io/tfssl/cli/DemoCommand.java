package io.tfssl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.demo.Demo;
import io.tfssl.train.PretrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl demo}: pretrain, export and evaluate on Fashion-MNIST in one command. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The main job: pretrains SimSiam (or BYOL, SimCLR, MoCo v2, SwAV) on"
          + " Fashion-MNIST with the fmnist-small preset (about 10 minutes on 2 CPU cores),"
          + " exports it to saved_models/,"
          + " and prints linear and kNN accuracy of the pretrained encoder next to the same"
          + " encoder untrained. Installs Debian's dataset-fashion-mnist first if it is missing"
          + " and this runs as root."
    },
    footer = {"", "Examples:", "  tfssl demo", "  tfssl demo --method byol --report demo.json"})
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--method",
      paramLabel = "simsiam|byol|simclr|mocov2|swav",
      defaultValue = "simsiam",
      description = "Method to pretrain (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description =
          "Pretraining epochs (default: " + Demo.DEFAULT_EPOCHS + ", the 10-minute budget).")
  Integer epochs;

  @Option(
      names = "--steps",
      paramLabel = "N",
      hidden = true,
      description = "Pretraining steps instead of epochs (smoke runs).")
  Long steps;

  @Option(
      names = "--eval-limit",
      paramLabel = "N",
      defaultValue = "0",
      hidden = true,
      description = "Evaluate on the first N images of each split (smoke runs).")
  int evalLimit;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run folder (default: the first free runs/demo-METHOD[-N]).")
  Path out;

  @Option(
      names = "--saved-models",
      paramLabel = "DIR",
      defaultValue = "saved_models",
      description = "Model repository root (default: ${DEFAULT-VALUE}).")
  Path savedModels;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Model name under --saved-models (default: fmnist-METHOD).")
  String name;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "0",
      description = "Cores TF may use (0 = all).")
  int threads;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write the numbers as JSON.")
  Path report;

  @Override
  public Integer call() throws IOException {
    if (!PretrainConfig.METHODS.contains(method)) {
      throw new UsageException(
          "--method must be one of " + PretrainConfig.METHODS + ", got '" + method + "'");
    }
    if (epochs != null && epochs <= 0) {
      throw new UsageException("--epochs must be positive, got " + epochs);
    }
    CliChecks.positive("--steps", steps);
    CliChecks.nonNegative("--eval-limit", evalLimit);
    CliChecks.nonNegative("--threads", threads);
    CliChecks.name("--name", name);
    CliChecks.writableDirectory("--out", out);
    CliChecks.writableDirectory("--saved-models", savedModels);
    CliChecks.writableFile("--report", report);
    Demo.Config d = Demo.Config.defaults(method);
    Demo.Config config =
        new Demo.Config(
            method,
            epochs != null ? epochs : d.epochs(),
            out,
            savedModels,
            name != null ? name : d.modelName(),
            threads,
            steps != null ? steps : 0,
            evalLimit);
    Demo.Result r = Demo.run(config, System.err);
    System.out.println();
    System.out.printf(
        "%s on Fashion-MNIST, %d pretraining steps (%.0f img/s), %s%n",
        method, r.training().endStep(), r.training().imagesPerSecond(), r.model().dir());
    System.out.printf("  %-22s %12s %12s%n", "test top-1", "pretrained", "random init");
    System.out.printf(
        "  %-22s %11.2f%% %11.2f%%%n",
        "linear evaluation", 100 * r.linearPretrained().top1(), 100 * r.linearRandomInit().top1());
    System.out.printf(
        "  %-22s %11.2f%% %11.2f%%%n",
        "kNN (k=200, T=0.1)", 100 * r.knnPretrained().top1(), 100 * r.knnRandomInit().top1());
    System.out.printf("total time %.1f min%n", r.seconds() / 60);
    if (report != null) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("method", method);
      json.put("dataset", "fashion-mnist");
      json.put("model", r.model().dir().toString());
      json.put("run", r.runDir().toString());
      json.put("pretraining_steps", r.training().endStep());
      json.put("pretraining_images_per_sec", r.training().imagesPerSecond());
      json.put(
          "linear",
          Map.of(
              "pretrained",
              EvalMetrics.linear(r.linearPretrained()),
              "random_init",
              EvalMetrics.linear(r.linearRandomInit())));
      json.put(
          "knn",
          Map.of(
              "pretrained",
              EvalMetrics.knn(r.knnPretrained()),
              "random_init",
              EvalMetrics.knn(r.knnRandomInit())));
      json.put("seconds", r.seconds());
      json.put("date", Instant.now().toString());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(report.toFile(), json);
      System.out.println("report " + report);
    }
    return 0;
  }
}
