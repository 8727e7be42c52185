package io.tfssl.bench.repro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.data.Split;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.LinearEval;
import io.tfssl.eval.RankEval;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.export.SavedModels;
import io.tfssl.features.KnnEval;
import io.tfssl.train.NonFiniteLossException;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.TrainResult;
import io.tfssl.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Trains every row of a {@link ReproTable} with each seed through the public {@link Trainer} API
 * and measures it: the kNN monitor (SimSiam §4.1) at a few points of the run and at its end, the
 * loss and the collapse monitor from the run's metrics, and, where the table asks, linear
 * evaluation of an export (the full protocol of {@link LinearEval}).
 *
 * @param scale how long each run is
 * @param preset the recipe the rows change ({@code fmnist-small}, or a paper preset)
 * @param dataset overrides the preset's dataset (null: keep it)
 * @param dataDir overrides the data folder (null: the dataset's default)
 * @param epochs when positive, train this many epochs instead of the scale's steps
 * @param threads TF threads (0: all cores)
 * @param work folder for the run folders and exports (rewritten)
 */
public record TableRunner(
    Scale scale,
    String preset,
    String dataset,
    Path dataDir,
    int epochs,
    int threads,
    Path work,
    PrintStream log) {

  /** Runs every row and seed of {@code table}. */
  public List<RunResult> run(ReproTable table) {
    return run(table, done -> {});
  }

  /**
   * Runs every row and seed of {@code table}, seed by seed (every row with seed 0, then every row
   * with seed 1, ...), so that a table stopped early holds whole seeds; {@code afterEach} sees the
   * runs so far after each run (the command rewrites the table then).
   */
  public List<RunResult> run(ReproTable table, Consumer<List<RunResult>> afterEach) {
    return run(table, List.of(), afterEach);
  }

  /**
   * As {@link #run(ReproTable, Consumer)}, keeping the runs of {@code done} (a stopped table's
   * runs, read back from its JSON file): a (row, seed) that has one is not trained again.
   */
  public List<RunResult> run(
      ReproTable table, List<RunResult> done, Consumer<List<RunResult>> afterEach) {
    List<RunResult> out = new ArrayList<>();
    List<Variant> rows = table.variants().apply(scale);
    int seeds = table.seeds(scale);
    int i = 0;
    for (int seed = 0; seed < seeds; seed++) {
      for (Variant row : rows) {
        i++;
        long s = seed;
        java.util.Optional<RunResult> kept =
            done.stream().filter(d -> d.row().equals(row.label()) && d.seed() == s).findFirst();
        if (kept.isPresent()) {
          log.printf(
              "[%s %d/%d] %s, seed %d: kept from the table's file%n",
              table.name(), i, rows.size() * seeds, row.label(), seed);
          out.add(kept.get());
          continue;
        }
        log.printf(
            "[%s %d/%d] %s, seed %d%n", table.name(), i, rows.size() * seeds, row.label(), seed);
        RunResult r = runOne(table, row, seed);
        log.printf(
            "[%s %d/%d] %s, seed %d: kNN %.2f%%%s, collapse std %.3f, rank_y %.1f, %.0f s%n",
            table.name(),
            i,
            rows.size() * seeds,
            row.label(),
            seed,
            100 * r.knnTop1(),
            Double.isNaN(r.linearTop1())
                ? ""
                : String.format(", linear %.2f%%", 100 * r.linearTop1()),
            r.collapseStd(),
            r.rankY(),
            r.seconds());
        out.add(r);
        afterEach.accept(List.copyOf(out));
      }
    }
    return out;
  }

  /** The config of {@code row} with {@code seed} at this runner's scale. */
  public PretrainConfig config(ReproTable table, Variant row, long seed) {
    String method = row.method() != null ? row.method() : table.method();
    String recipe =
        preset.equals("fmnist-small") || preset.startsWith(method + "-") ? preset : "fmnist-small";
    PretrainConfig.Builder b =
        Presets.get(recipe, method).toBuilder()
            .batchSize(scale.batchSize())
            .seed(seed)
            .threads(threads)
            .knnMonitor(0)
            .onlineProbe(false)
            .keepCheckpoints(1)
            .checkpointEvery(Integer.MAX_VALUE);
    if (epochs > 0) {
      b.epochs(epochs).steps(0);
    } else {
      b.steps(scale.steps());
    }
    if (dataset != null) {
      b.dataset(dataset);
    }
    if (dataDir != null) {
      b.dataDir(dataDir.toString());
    }
    PretrainConfig asIs = b.build();
    // A recipe's warm-up is in epochs (BYOL: 10 of 1000, 1%); a run of a fraction of an epoch
    // would spend all of it warming up, so warm-up is capped at a tenth of the run.
    double runEpochs =
        epochs > 0
            ? epochs
            : (double) scale.steps() * scale.batchSize() / Math.max(1, imagesPerEpoch(asIs));
    PretrainConfig base =
        asIs.toBuilder().warmupEpochs(Math.min(asIs.warmupEpochs(), 0.1 * runEpochs)).build();
    PretrainConfig changed = row.change().apply(base);
    long steps = changed.steps() > 0 ? changed.steps() : 1000;
    return changed.toBuilder().logEvery((int) Math.max(1, Math.min(20, steps / 30))).build();
  }

  /** Training images of the recipe's dataset (Fashion-MNIST: 60,000). */
  private static long imagesPerEpoch(PretrainConfig c) {
    return c.dataset().equals("fashion-mnist") || c.dataset().equals("mnist")
        ? 60_000
        : c.dataset().startsWith("cifar")
            ? 50_000
            : c.dataset().equals("stl10") ? 105_000 : 1_281_167;
  }

  private RunResult runOne(ReproTable table, Variant row, long seed) {
    PretrainConfig config = config(table, row, seed);
    Path runDir = work.resolve(table.name()).resolve(slug(row.label()) + "-seed" + seed);
    SavedModels.deleteQuietly(runDir);
    long t0 = System.nanoTime();
    List<double[]> knnCurve = new ArrayList<>();
    double linear = Double.NaN;
    RankEval.Result exportRank = null;
    long diverged = 0;
    long steps = 0;
    try (Trainer t = Trainer.create(config, runDir)) {
      t.progressBar(false).log(log);
      long total = row.trained() ? t.totalSteps() : 0;
      // Curves only where the table plots them: each point costs a kNN pass and a checkpoint.
      int points = row.trained() && (table.curves() || scale.resolving()) ? scale.curvePoints() : 1;
      try {
        for (int p = 1; p <= points; p++) {
          long end = Math.max(1, total * p / points);
          if (row.trained()) {
            TrainResult r = t.trainUntil(end);
            steps = r.endStep();
          }
          KnnEval.Result k = t.knn(scale.knnBank(), scale.queries());
          knnCurve.add(new double[] {steps, k.top1()});
        }
      } catch (NonFiniteLossException e) {
        // The paper's "unstable" rows: report where it diverged instead of a number.
        diverged = e.step();
        log.println("  " + e.getMessage());
      }
      if ((table.linear() || scale.resolving()) && diverged == 0) {
        ExportedModel m = export(t, runDir, config, row);
        EvalData data = evalData(config);
        linear = linearTop1(m, data);
        if (scale.resolving()) {
          exportRank = RankEval.evaluate(m.dir(), data.open(Split.TEST), RankEval.DEFAULT_IMAGES);
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<double[]> curve = readCurve(runDir);
    double finalLoss = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1)[1];
    double[] last = curve.isEmpty() ? null : curve.get(curve.size() - 1);
    double collapse = last == null ? Double.NaN : last[2];
    double knn =
        diverged > 0 || knnCurve.isEmpty() ? Double.NaN : knnCurve.get(knnCurve.size() - 1)[1];
    return new RunResult(
        row.label(),
        seed,
        steps,
        knn,
        linear,
        finalLoss,
        collapse,
        last == null ? Double.NaN : last[3],
        last == null ? Double.NaN : last[4],
        Math.min(config.batchSize(), dimY(runDir)),
        exportRank == null ? Double.NaN : exportRank.embedding(),
        exportRank == null ? Double.NaN : exportRank.projection(),
        diverged,
        seconds,
        curve,
        knnCurve);
  }

  /** An export of the run (or of the untrained encoder, for a row that does not train). */
  private static ExportedModel export(Trainer t, Path runDir, PretrainConfig config, Variant row) {
    Path models = runDir.resolve("saved_models");
    return row.trained()
        ? Exporter.exportRun(runDir, models, "model", OptionalInt.of(1))
        : Exporter.exportRandomInit(config, t.input(), models, "model", OptionalInt.of(1));
  }

  /**
   * The images linear evaluation reads: all of both splits at a scale that measures every row
   * (long), ten kNN banks of the training split otherwise, 100 images at the quick scale.
   */
  private EvalData evalData(PretrainConfig config) {
    int limit = scale.name().equals("quick") ? 100 : scale.resolving() ? 0 : 10 * scale.knnBank();
    return new EvalData(
        config.dataset(), config.dataDir() == null ? null : Path.of(config.dataDir()), null, limit);
  }

  /** Linear evaluation's top-1 on {@code data} (the full protocol of {@link LinearEval}). */
  private double linearTop1(ExportedModel m, EvalData data) {
    Evaluation.FeatureSet f = Evaluation.features(m.dir(), data, s -> {});
    LinearEval.Config c = LinearEval.Config.defaults().withSeed(0);
    if (scale.name().equals("quick")) {
      c = c.withEpochs(1).withLearningRates(0.1);
    }
    return LinearEval.evaluate(f.train(), f.test(), c).top1();
  }

  /** The run's metrics.jsonl records (none when the run logged nothing). */
  private static List<JsonNode> records(Path runDir) {
    Path metrics = runDir.resolve("metrics.jsonl");
    List<JsonNode> out = new ArrayList<>();
    if (!Files.isRegularFile(metrics)) {
      return out;
    }
    ObjectMapper json = new ObjectMapper();
    try {
      for (String line : Files.readAllLines(metrics)) {
        out.add(json.readTree(line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metrics, e);
    }
    return out;
  }

  /**
   * (step, loss, collapse std, rank_y, rank_z) of every logged training record (NaN ranks where a
   * record has none).
   */
  static List<double[]> readCurve(Path runDir) {
    List<double[]> out = new ArrayList<>();
    for (JsonNode r : records(runDir)) {
      if (r.has("loss") && r.has("collapse_std")) {
        out.add(
            new double[] {
              r.get("step").asDouble(),
              r.get("loss").asDouble(),
              r.get("collapse_std").asDouble(),
              r.has("rank_y") ? r.get("rank_y").asDouble() : Double.NaN,
              r.has("rank_z") ? r.get("rank_z").asDouble() : Double.NaN
            });
      }
    }
    return out;
  }

  /** d_y the training log recorded (0: none). */
  static long dimY(Path runDir) {
    long d = 0;
    for (JsonNode r : records(runDir)) {
      if (r.has("dim_y")) {
        d = r.get("dim_y").asLong();
      }
    }
    return d;
  }

  static String slug(String label) {
    String s = label.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return s.isEmpty() ? "row" : s;
  }
}
