package io.tfssl.bench.repro;

import io.tfssl.bench.Machine;
import io.tfssl.cli.CliChecks;
import io.tfssl.cli.UsageException;
import io.tfssl.data.Datasets;
import io.tfssl.train.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tfssl bench table NAME...}: re-runs the papers' tables at a scale one machine runs. */
@Command(
    name = "table",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Re-runs tables of the SimSiam and BYOL papers on Fashion-MNIST with the small encoder"
          + " (or at the papers' scale with --preset/--dataset/--epochs) and writes"
          + " RESULTS/<table>.md, .json and .png.",
      "Tables: stop-gradient, predictor, head-bn, similarity-symmetry, batch-size,"
          + " byol-bootstrap, em-hypothesis, methods, or all. Throughput: 'bench throughput'.",
      "Every table starts with the untrained encoder as its floor row. The table files are"
          + " rewritten after every run; a partial table says how many runs it holds."
    },
    footer = {
      "",
      "Examples:",
      "  tfssl bench table stop-gradient",
      "  tfssl bench table predictor head-bn --seeds 5",
      "  tfssl bench table all --quick",
      "  nohup ./tfssl bench table stop-gradient --scale long > stop-gradient.log 2>&1 &",
      "  tfssl bench table stop-gradient --preset simsiam-cifar --dataset cifar10"
          + " --data-dir /data/cifar10 --epochs 800 --batch-size 512 --knn-bank 50000"
    })
public final class TableCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TABLE", description = "Tables to run, or 'all'.")
  List<String> tables;

  @Option(
      names = "--quick",
      description =
          "Smoke scale: 2 steps per row, one seed, results in"
              + " tf-ssl-bench/target/quick-results (meaningless numbers; checks that everything runs).")
  boolean quick;

  @Option(
      names = "--scale",
      paramLabel = "NAME",
      defaultValue = "cpu",
      description =
          "quick (= --quick), cpu (150 steps of 128 per run, kNN on 400 queries; default) or long"
              + " (5 epochs of 256 per run, 3 seeds in every table, kNN on the whole test split"
              + " after every epoch, linear evaluation and export rank for every row; hours per"
              + " table on 2 cores: README 'Long scale').")
  String scaleName;

  @Option(
      names = "--replot",
      description =
          "Train nothing: redraw RESULTS/<table>.png from the runs in RESULTS/<table>.json (after"
              + " a change to the plots; the table's numbers are not touched).")
  boolean replot;

  @Option(
      names = "--resume",
      description =
          "Continue a stopped table: keep the runs RESULTS/<table>.json already holds (same"
              + " scale) and train only the missing (row, seed) pairs.")
  boolean resume;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      description = "Seeds per row where differences are small (default 3).")
  Integer seeds;

  @Option(names = "--steps", paramLabel = "N", description = "Steps per run (default 150).")
  Long steps;

  @Option(names = "--batch-size", paramLabel = "B", description = "Images per step (default 128).")
  Integer batchSize;

  @Option(
      names = "--knn-bank",
      paramLabel = "N",
      description = "Training images in the kNN bank; queries: N/5 test images (default 2000).")
  Integer knnBank;

  @Option(
      names = "--knn-queries",
      paramLabel = "N",
      description = "Test images the kNN classifies (default: a fifth of the bank; long: 10000).")
  Integer knnQueries;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      defaultValue = "fmnist-small",
      description =
          "Recipe the rows change: fmnist-small, or a method's paper preset"
              + " (simsiam-paper, simsiam-cifar, byol-paper, ...; rows of other methods keep"
              + " fmnist-small). Default: ${DEFAULT-VALUE}.")
  String preset;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description = "Dataset instead of the preset's.")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Folder with the dataset's files.")
  Path dataDir;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      description = "Train E epochs per run instead of --steps (the papers' scale).")
  Integer epochs;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "0",
      description = "Cores TF may use (0 = all).")
  int threads;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      description =
          "Where the tables go (default tf-ssl-bench/results; --scale long:"
              + " tf-ssl-bench/results/long; --quick: tf-ssl-bench/target/quick-results).")
  Path results;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      defaultValue = "runs/bench",
      description = "Run folders of the tables' runs (rewritten; default: ${DEFAULT-VALUE}).")
  Path work;

  /** The tables named on the command line, in the registry's order for 'all'. */
  List<ReproTable> selected() {
    List<ReproTable> out = new ArrayList<>();
    for (String name : tables) {
      if (name.equals("all")) {
        out.addAll(ReproTables.all());
      } else {
        out.add(
            ReproTables.named(name)
                .orElseThrow(
                    () ->
                        new UsageException(
                            "unknown table '"
                                + name
                                + "' (expected one of "
                                + ReproTables.names()
                                + " or all)")));
      }
    }
    return out;
  }

  Scale scale() {
    require(
        List.of("quick", "cpu", "long").contains(scaleName),
        "--scale must be quick, cpu or long, got '" + scaleName + "'");
    require(
        !quick || scaleName.equals("cpu") || scaleName.equals("quick"),
        "--quick and --scale " + scaleName + " contradict each other");
    Scale s = Scale.named(quick ? "quick" : scaleName);
    if (seeds != null) {
      require(seeds >= 1, "--seeds must be at least 1, got " + seeds);
      s = s.withSeeds(seeds);
    }
    if (steps != null) {
      require(steps >= 1, "--steps must be positive, got " + steps);
      s = s.withSteps(steps);
    }
    if (batchSize != null) {
      require(batchSize >= 2, "--batch-size must be at least 2, got " + batchSize);
      s = s.withBatchSize(batchSize);
    }
    if (knnBank != null) {
      require(knnBank >= 10, "--knn-bank must be at least 10, got " + knnBank);
      s = s.withKnn(knnBank, s.knnQueries());
    }
    if (knnQueries != null) {
      require(knnQueries >= 2, "--knn-queries must be at least 2, got " + knnQueries);
      s = s.withKnn(s.knnBank(), knnQueries);
    }
    return s;
  }

  private static String defaultResults(Scale scale) {
    return switch (scale.name()) {
      case "quick" -> "tf-ssl-bench/target/quick-results";
      case "long" -> "tf-ssl-bench/results/long";
      default -> "tf-ssl-bench/results";
    };
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new UsageException(message);
    }
  }

  @Override
  public Integer call() throws IOException {
    List<ReproTable> chosen = selected();
    Scale scale = scale();
    if (replot) {
      Path dir = results != null ? results : Path.of(defaultResults(scale));
      for (ReproTable table : chosen) {
        Path json = dir.resolve(table.name() + ".json");
        if (!java.nio.file.Files.isRegularFile(json)) {
          throw new UsageException("--replot: no " + json);
        }
        List<RunResult> runs = TableReport.readRuns(json);
        Path png = dir.resolve(table.name() + ".png");
        TableReport.plot(table, runs, png);
        System.out.println("redrew " + png + " from " + runs.size() + " runs");
      }
      return 0;
    }
    require(epochs == null || epochs >= 1, "--epochs must be positive, got " + epochs);
    require(threads >= 0, "--threads cannot be negative, got " + threads);
    require(
        Presets.NAMES.contains(preset),
        "unknown preset '" + preset + "' (expected one of " + Presets.NAMES + ")");
    if (dataset != null) {
      Datasets.check(dataset);
    }
    Path out = results != null ? results : Path.of(defaultResults(scale));
    CliChecks.writableDirectory("--results", out);
    CliChecks.writableDirectory("--work", work);
    String command =
        "./tfssl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    TableRunner runner =
        new TableRunner(
            scale,
            preset,
            dataset,
            dataDir,
            epochs == null ? 0 : epochs,
            threads,
            work,
            System.err);
    for (ReproTable table : chosen) {
      Instant start = Instant.now();
      double before = Machine.loadAverage();
      int planned = table.variants().apply(scale).size() * table.seeds(scale);
      // The table is rewritten after every run, so that hours of a long table are never lost to
      // a stop and a partial table says how far it got.
      List<RunResult> done = List.of();
      TableReport.Resumed resumed = null;
      Path json = out.resolve(table.name() + ".json");
      if (resume && java.nio.file.Files.isRegularFile(json)) {
        com.fasterxml.jackson.databind.JsonNode saved =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        String savedScale = saved.path("scale").path("name").asText();
        require(
            savedScale.equals(scale.name()),
            "--resume: " + json + " was measured at scale " + savedScale + ", not " + scale.name());
        done = TableReport.readRuns(json);
        // A file written before table_started existed has only its last command's start.
        String first = saved.path("table_started").asText(saved.path("started").asText());
        resumed = new TableReport.Resumed(Instant.parse(first), done.size());
      }
      TableReport.Resumed carried = resumed;
      Consumer<List<RunResult>> write =
          runs ->
              TableReport.write(
                  table,
                  runs,
                  new TableReport.Context(
                      command,
                      start,
                      Instant.now(),
                      scale,
                      preset,
                      before,
                      Machine.loadAverage(),
                      planned,
                      carried),
                  out);
      runner.run(table, done, write);
      System.out.println("wrote " + out.resolve(table.name() + ".md"));
    }
    return 0;
  }
}
