package io.tfssl.eval;

import io.tfssl.data.Datasets;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.data.Split;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.EncoderWeights;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.export.ModelMetadata;
import io.tfssl.export.SavedModels;
import io.tfssl.features.Features;
import io.tfssl.train.RunInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The evaluation protocols run on a SavedModel: what is evaluated is what would be served.
 *
 * <pre>{@code
 * Path model = Path.of("saved_models/fmnist-simsiam/1");
 * Evaluation.FeatureSet f = Evaluation.features(model, EvalData.of("fashion-mnist"), log);
 * LinearEval.Result linear = LinearEval.evaluate(f.train(), f.test(), LinearEval.Config.defaults());
 * KnnEval.Result knn = KnnEval.evaluate(f.train(), f.test(), KnnEval.Config.defaults());
 * FineTune.Result semi = Evaluation.fineTune(model, EvalData.of("fashion-mnist"), false,
 *     FineTune.Config.defaults(0.01), log);
 * try (Evaluation.Baseline random = Evaluation.randomInit(model)) {
 *   Evaluation.FeatureSet r = Evaluation.features(random.dir(), EvalData.of("fashion-mnist"), log);
 * }
 * }</pre>
 */
public final class Evaluation {
  /** Images per call of the model when embedding a dataset. */
  public static final int EMBED_BATCH = 500;

  private Evaluation() {}

  /** Frozen features of a dataset's train and test splits. */
  public record FeatureSet(Features train, Features test) {}

  /** Embeds the train and test splits of {@code data} with the model's serving signature. */
  public static FeatureSet features(Path model, EvalData data, Consumer<String> log) {
    try (EmbeddingModel m = EmbeddingModel.load(model)) {
      return new FeatureSet(embed(m, data, Split.TRAIN, log), embed(m, data, Split.TEST, log));
    }
  }

  private static Features embed(
      EmbeddingModel model, EvalData data, Split split, Consumer<String> log) {
    ImageSource source = data.open(split);
    try {
      Datasets.labelNote(source).ifPresent(log);
      long t0 = System.nanoTime();
      int n = source.size();
      long[] quarter = {n / 4};
      long[] next = {quarter[0]};
      Features f =
          model.embed(
              source,
              EMBED_BATCH,
              done -> {
                if (done >= next[0] && done < n) {
                  log.accept(
                      String.format(
                          "  embedding %s %s: %d/%d",
                          data.dataset(), split.name().toLowerCase(), done, n));
                  next[0] += quarter[0];
                }
              });
      log.accept(
          String.format(
              "  embedded %d %s %s images in %.1f s",
              n, data.dataset(), split.name().toLowerCase(), (System.nanoTime() - t0) / 1e9));
      return f;
    } finally {
      Sources.closeQuietly(source);
    }
  }

  /**
   * Fine-tunes the model's encoder on a labeled fraction of {@code data}'s training split ({@link
   * FineTune}); with {@code randomInit} the same encoder starts untrained.
   */
  public static FineTune.Result fineTune(
      Path model, EvalData data, boolean randomInit, FineTune.Config config, Consumer<String> log) {
    Path version = SavedModels.resolve(model);
    ModelMetadata metadata = ModelMetadata.require(version, "fine-tuning");
    ImageSource train = data.open(Split.TRAIN);
    ImageSource test = data.open(Split.TEST);
    try {
      Datasets.labelNote(train).ifPresent(log);
      if (randomInit) {
        return FineTune.run(metadata, null, train, test, config, log);
      }
      try (EmbeddingModel m = EmbeddingModel.load(version);
          EncoderWeights weights = EncoderWeights.of(m)) {
        return FineTune.run(metadata, weights, train, test, config, log);
      }
    } finally {
      Sources.closeQuietly(train);
      Sources.closeQuietly(test);
    }
  }

  /**
   * A temporary SavedModel of the same encoder untrained: the "random init" row of SimSiam's and
   * BYOL's tables, built from the model's metadata with the run's seed. Deleted on close.
   */
  public static Baseline randomInit(Path model) {
    Path version = SavedModels.resolve(model);
    ModelMetadata m = ModelMetadata.require(version, "the random-init baseline");
    try {
      Path root = Files.createTempDirectory("tfssl-random-init");
      RunInput input =
          new RunInput(m.dataset(), m.height(), m.width(), m.channels(), 0, m.modelSize());
      ExportedModel e =
          Exporter.exportRandomInit(m.config(), input, root, "random-init", OptionalInt.of(1));
      return new Baseline(e.dir(), root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  /** A temporary baseline model; {@link #close()} deletes it. */
  public record Baseline(Path dir, Path root) implements AutoCloseable {
    @Override
    public void close() {
      SavedModels.deleteQuietly(root);
    }
  }
}
