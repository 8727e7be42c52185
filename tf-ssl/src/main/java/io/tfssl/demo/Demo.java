package io.tfssl.demo;

import io.tfssl.data.IdxSource;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.LinearEval;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.features.KnnEval;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.TrainResult;
import io.tfssl.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The main job in one call: pretrain on Fashion-MNIST with the {@code fmnist-small} preset, export
 * a SavedModel, and compare linear and kNN accuracy of the pretrained encoder with the same encoder
 * untrained.
 *
 * <pre>{@code
 * Demo.Result r = Demo.run(Demo.Config.defaults("simsiam"), System.err);
 * System.out.println(r.linearPretrained().top1() + " vs " + r.linearRandomInit().top1());
 * }</pre>
 */
public final class Demo {
  private Demo() {}

  /**
   * @param method one of {@link PretrainConfig#METHODS}
   * @param epochs pretraining epochs (0: the preset's demo budget, {@link #DEFAULT_EPOCHS})
   * @param runDir the run folder (null: the first free runs/demo-METHOD[-N])
   * @param savedModels the model repository root
   * @param modelName the model's name there
   * @param threads TF thread bound (0 = all cores)
   * @param steps pretraining steps instead of epochs (0: use epochs), for smoke runs
   * @param evalLimit evaluate on the first N images of each split (0: all), for smoke runs
   */
  public record Config(
      String method,
      int epochs,
      Path runDir,
      Path savedModels,
      String modelName,
      int threads,
      long steps,
      int evalLimit) {
    public static Config defaults(String method) {
      return new Config(
          method, DEFAULT_EPOCHS, null, Path.of("saved_models"), "fmnist-" + method, 0, 0, 0);
    }
  }

  /** Pretraining epochs of the default demo, sized to finish in about 10 minutes on 2 cores. */
  public static final int DEFAULT_EPOCHS = 4;

  /** What the demo measured. */
  public record Result(
      PretrainConfig config,
      Path runDir,
      TrainResult training,
      ExportedModel model,
      LinearEval.Result linearPretrained,
      LinearEval.Result linearRandomInit,
      KnnEval.Result knnPretrained,
      KnnEval.Result knnRandomInit,
      double seconds) {}

  /** Runs the demo, logging progress to {@code log}. */
  public static Result run(Config c, PrintStream log) {
    long t0 = System.nanoTime();
    DatasetInstaller.forThisMachine(IdxSource.FASHION_MNIST_DIR).ensure(log);
    PretrainConfig.Builder builder =
        Presets.get("fmnist-small", c.method()).toBuilder()
            .epochs(c.epochs() > 0 ? c.epochs() : DEFAULT_EPOCHS)
            .threads(c.threads());
    if (c.steps() > 0) {
      builder.steps(c.steps());
    }
    PretrainConfig config = builder.build();
    Path runDir = c.runDir() != null ? c.runDir() : freeRunDir(c.method());
    log.printf(
        "[1/4] pretraining %s on fashion-mnist, %s, encoder %s -> %s%n",
        config.method(),
        config.steps() > 0 ? config.steps() + " steps" : config.epochs() + " epochs",
        config.encoder(),
        runDir);
    TrainResult training;
    try (Trainer trainer = Trainer.create(config, runDir)) {
      training = trainer.train();
    }
    log.printf("[2/4] exporting to %s/%s%n", c.savedModels(), c.modelName());
    ExportedModel model =
        Exporter.exportRun(runDir, c.savedModels(), c.modelName(), OptionalInt.empty());
    log.println("      " + model.dir());
    EvalData data = EvalData.of("fashion-mnist").withLimit(c.evalLimit());
    LinearEval.Config linear = LinearEval.Config.defaults().withThreads(c.threads());
    KnnEval.Config knn = KnnEval.Config.defaults();

    log.println("[3/4] evaluating the pretrained encoder (linear and kNN)");
    Evaluation.FeatureSet f = Evaluation.features(model.dir(), data, log::println);
    LinearEval.Result linPre = LinearEval.evaluate(f.train(), f.test(), linear);
    log.println("      " + linPre.summary());
    KnnEval.Result knnPre = KnnEval.evaluate(f.train(), f.test(), knn);
    log.println("      " + knnPre.summary());

    log.println("[4/4] evaluating the same encoder untrained (random init)");
    LinearEval.Result linRand;
    KnnEval.Result knnRand;
    try (Evaluation.Baseline b = Evaluation.randomInit(model.dir())) {
      Evaluation.FeatureSet r = Evaluation.features(b.dir(), data, log::println);
      linRand = LinearEval.evaluate(r.train(), r.test(), linear);
      log.println("      " + linRand.summary());
      knnRand = KnnEval.evaluate(r.train(), r.test(), knn);
      log.println("      " + knnRand.summary());
    }
    return new Result(
        config,
        runDir,
        training,
        model,
        linPre,
        linRand,
        knnPre,
        knnRand,
        (System.nanoTime() - t0) / 1e9);
  }

  private static Path freeRunDir(String method) {
    Path base = Path.of("runs", "demo-" + method);
    Path dir = base;
    for (int i = 2; Files.exists(dir); i++) {
      dir = Path.of(base + "-" + i);
    }
    return dir;
  }
}
