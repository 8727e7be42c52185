package io.tfssl.bench.repro;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.bench.Machine;
import io.tfssl.cli.CliChecks;
import io.tfssl.cli.UsageException;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.FineTune;
import io.tfssl.export.ModelMetadata;
import io.tfssl.export.SavedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tfssl bench semi-supervised}: BYOL's semi-supervised table (Table 2: with 1% of the labels
 * a pretrained ResNet-50 fine-tuned reaches 53.2% top-1, the same network trained from scratch
 * 25.4%). Every export given is fine-tuned on 1% and 10% of the training labels with several
 * label-subset seeds, and the same encoder from random initialization on the same subsets (the
 * subset is chosen by the seed, so both rows of a seed see the same labeled images).
 */
@Command(
    name = "semi-supervised",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tunes each --model on a class-balanced fraction of the training labels (eval"
          + " finetune's protocol) with several label-subset seeds, and the same encoder from"
          + " random initialization on the same subsets; writes RESULTS/semi-supervised.md and"
          + " .json, which 'bench claims' reads."
    },
    footer = {
      "",
      "Example (after the long stop-gradient and byol-bootstrap tables):",
      "  tfssl bench semi-supervised"
          + " --model simsiam=runs/bench/stop-gradient/w-stop-grad-seed0/saved_models/model"
          + " --model byol=runs/bench/byol-bootstrap/ema-target-0-99-1-cosine-the-recipe-seed0"
          + "/saved_models/model"
    })
public final class SemiSupervisedCommand implements Callable<Integer> {
  /** The table's name, for the files and for {@link Claims}. */
  public static final String TABLE = "semi-supervised";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME=DIR",
      description = "An export to fine-tune, with the name its rows get (repeatable).")
  List<String> models;

  @Option(
      names = "--labels",
      split = ",",
      paramLabel = "P%",
      defaultValue = "1%,10%",
      description = "Label fractions (default: ${DEFAULT-VALUE}).")
  List<String> labels;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      defaultValue = "3",
      description = "Label-subset seeds 0..N-1 per fraction (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Fine-tuning epochs instead of eval finetune's (60 up to 1%%, else 30).")
  Integer epochs;

  @Option(
      names = "--lr",
      split = ",",
      paramLabel = "LR",
      description =
          "Fine-tuning peak learning rates (default: eval finetune's, 0.1). Rows at another lr"
              + " than the protocol's carry it in their name, 'byol, 1%% labels (lr 0.3)': a"
              + " diagnosis beside the protocol's rows, which are the ones 'bench claims' judges.")
  List<Double> lrs;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "0",
      description = "Cores TF may use (0 = all).")
  int threads;

  @Option(
      names = "--resume",
      description =
          "Keep the runs the table's JSON file already holds, of any model, and fine-tune only"
              + " the (row, seed) pairs it lacks: adds a model to the table (--model byol=DIR"
              + " --resume keeps the SimSiam rows, whose export need not exist any more) or"
              + " finishes a stopped table.")
  boolean resume;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results/long",
      description = "Where the table goes (default: ${DEFAULT-VALUE}).")
  Path results;

  /** {@code eval finetune}'s learning rate, the protocol the claims judge. */
  public static final double PROTOCOL_LR = FineTune.Config.defaults(0.01).learningRate();

  /** The images one pretraining run of the long scale sees (5 epochs of Fashion-MNIST). */
  static final long LONG_IMAGES = (long) Scale.LONG_EPOCHS * Scale.FASHION_MNIST_TRAIN;

  private record Model(String name, Path dir, ModelMetadata metadata) {}

  /** The commands that measured the runs --resume kept, oldest first. */
  private final List<String> earlier = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    CliChecks.positive("--seeds", seeds);
    CliChecks.positive("--epochs", epochs);
    CliChecks.nonNegative("--threads", threads);
    List<Double> fractions = new ArrayList<>();
    for (String l : labels) {
      String p = l.trim();
      if (!p.matches("\\d+(\\.\\d+)?%")) {
        throw new UsageException("--labels must be percentages such as 1%,10%, got '" + l + "'");
      }
      double f = Double.parseDouble(p.substring(0, p.length() - 1)) / 100;
      if (!(f > 0 && f <= 1)) {
        throw new UsageException("--labels must be in (0%, 100%], got " + l);
      }
      fractions.add(f);
    }
    List<Double> rates = lrs == null ? List.of(PROTOCOL_LR) : List.copyOf(lrs);
    for (double lr : rates) {
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new UsageException("--lr must be positive, got " + lr);
      }
    }
    CliChecks.writableDirectory("--results", results);
    List<Model> chosen = new ArrayList<>();
    for (String m : models) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw new UsageException("--model must be NAME=DIR, got '" + m + "'");
      }
      Path dir = Path.of(m.substring(eq + 1));
      if (!Files.isDirectory(dir)) {
        throw new UsageException("--model " + m.substring(0, eq) + ": no folder " + dir);
      }
      Path version = SavedModels.resolve(dir);
      chosen.add(
          new Model(
              m.substring(0, eq),
              version,
              ModelMetadata.require(version, "bench semi-supervised")));
    }
    String command =
        "./tfssl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    Instant start = Instant.now();
    long pretrainImages = Long.MAX_VALUE;
    for (Model m : chosen) {
      pretrainImages =
          Math.min(pretrainImages, m.metadata().steps() * m.metadata().config().batchSize());
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    earlier.clear();
    Path json = results.resolve(TABLE + ".json");
    if (resume && Files.isRegularFile(json)) {
      JsonNode saved = new ObjectMapper().readTree(json.toFile());
      if (!TABLE.equals(saved.path("table").asText())) {
        throw new UsageException("--resume: " + json + " is not a " + TABLE + " table");
      }
      pretrainImages =
          Math.min(pretrainImages, saved.path("scale").path("pretrain_images").asLong());
      saved.path("earlier_commands").forEach(c -> earlier.add(c.asText()));
      earlier.add(saved.path("command").asText());
      for (JsonNode r : saved.path("runs")) {
        runs.add(new ObjectMapper().convertValue(r, new TypeReference<Map<String, Object>>() {}));
      }
      System.err.printf(
          Locale.ROOT, "[%s] --resume: %d runs kept from %s%n", TABLE, runs.size(), json);
    }
    List<Planned> plan = plan(chosen, fractions, rates, seeds);
    // Every planned run plus the kept runs outside the plan (another model, more seeds).
    long keptInPlan = plan.stream().filter(p -> find(runs, p.row(), p.seed()) != null).count();
    int total = (int) (plan.size() + runs.size() - keptInPlan);
    int i = 0;
    for (Planned p : plan) {
      i++;
      String row = p.row();
      int seed = p.seed();
      FineTune.Config d = FineTune.Config.defaults(p.fraction());
      FineTune.Config c =
          new FineTune.Config(
              p.fraction(),
              epochs != null ? epochs : d.epochs(),
              d.batchSize(),
              p.lr(),
              seed,
              threads);
      Map<String, Object> kept = find(runs, row, seed);
      if (kept != null) {
        if (((Number) kept.get("epochs")).intValue() != c.epochs()) {
          throw new UsageException(
              String.format(
                  Locale.ROOT,
                  "--resume: %s, seed %d was fine-tuned for %s epochs, this run asks %d",
                  row,
                  seed,
                  kept.get("epochs"),
                  c.epochs()));
        }
        System.err.printf(
            Locale.ROOT, "[%s %d/%d] %s, seed %d: kept%n", TABLE, i, total, row, seed);
        continue;
      }
      System.err.printf(Locale.ROOT, "[%s %d/%d] %s, seed %d%n", TABLE, i, total, row, seed);
      long t0 = System.nanoTime();
      Model m = p.model();
      FineTune.Result r =
          Evaluation.fineTune(
              m.dir(), EvalData.of(m.metadata().dataset()), p.randomInit(), c, line -> {});
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.err.printf(
          Locale.ROOT,
          "[%s %d/%d] %s, seed %d: top-1 %.2f%%, %.0f s%n",
          TABLE,
          i,
          total,
          row,
          seed,
          100 * r.top1(),
          seconds);
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("row", row);
      run.put("seed", seed);
      run.put("model", m.dir().toString());
      run.put("finetuneTop1", r.top1());
      run.put("finetuneTop5", r.top5());
      run.put("labeledImages", r.labeledImages());
      run.put("epochs", c.epochs());
      run.put("steps", r.steps());
      run.put("lr", p.lr());
      run.put("kernelScale", r.kernels().scale());
      run.put("kernelTurnDegrees", r.kernels().turnDegrees());
      run.put("seconds", seconds);
      runs.add(run);
      write(command, start, runs, total, pretrainImages);
    }
    System.out.println("wrote " + results.resolve(TABLE + ".md"));
    return 0;
  }

  /** A run's number; Jackson writes NaN as the string "NaN", and a kept run reads it back so. */
  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
  }

  private static Map<String, Object> find(List<Map<String, Object>> runs, String row, int seed) {
    return runs.stream()
        .filter(r -> row.equals(r.get("row")) && ((Number) r.get("seed")).intValue() == seed)
        .findFirst()
        .orElse(null);
  }

  /** One fine-tuning run this invocation makes (or keeps): a row at a label seed. */
  private record Planned(int seed, double fraction, double lr, Model model, boolean randomInit) {
    String row() {
      return SemiSupervisedCommand.row(model.name(), randomInit, fraction, lr);
    }
  }

  /**
   * The runs in the order they are made: seed-major, so that a stopped table has every row at its
   * first seeds; within a seed each export's row next to its untrained row on the same subset.
   */
  private static List<Planned> plan(
      List<Model> models, List<Double> fractions, List<Double> rates, int seeds) {
    List<Planned> plan = new ArrayList<>();
    for (int seed = 0; seed < seeds; seed++) {
      for (double f : fractions) {
        for (double lr : rates) {
          for (Model m : models) {
            plan.add(new Planned(seed, f, lr, m, false));
            plan.add(new Planned(seed, f, lr, m, true));
          }
        }
      }
    }
    return plan;
  }

  /** A row's label: "simsiam, 1% labels" or "simsiam untrained, 1% labels". */
  public static String row(String model, boolean randomInit, double fraction) {
    return model + (randomInit ? " untrained" : "") + ", " + percent(fraction) + "% labels";
  }

  /**
   * A row's label at a fine-tuning lr: the protocol's rows as {@link #row(String, boolean,
   * double)}, others with the lr, "byol, 1% labels (lr 0.3)".
   */
  public static String row(String model, boolean randomInit, double fraction, double lr) {
    String base = row(model, randomInit, fraction);
    return lr == PROTOCOL_LR ? base : base + lrSuffix(lr);
  }

  /** What a row at a non-protocol lr adds to its name: " (lr 0.3)". */
  public static String lrSuffix(double lr) {
    return " (lr " + java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString() + ")";
  }

  /**
   * The fraction in percent as the flag wrote it: "1", "10", "0.5" (decimal, so that 0.07 reads 7
   * and not the binary product 7.000000000000001).
   */
  public static String percent(double fraction) {
    return java.math.BigDecimal.valueOf(fraction)
        .movePointRight(2)
        .stripTrailingZeros()
        .toPlainString();
  }

  private void write(
      String command, Instant start, List<Map<String, Object>> runs, int total, long images)
      throws IOException {
    Files.createDirectories(results);
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("table", TABLE);
    raw.put("command", command);
    if (!earlier.isEmpty()) {
      raw.put("earlier_commands", earlier);
    }
    raw.put("started", start.toString());
    raw.put("finished", Instant.now().toString());
    // The claims judge only tables at the long scale: the exports must have been pretrained on
    // at least the long scale's images.
    raw.put(
        "scale",
        Map.of("name", images >= LONG_IMAGES ? "long" : "shorter", "pretrain_images", images));
    raw.put("runs", runs);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(results.resolve(TABLE + ".json").toFile(), raw);
    StringBuilder b = new StringBuilder();
    b.append("# Semi-supervised: fine-tuned on a few labels against trained from scratch\n\n");
    b.append("Written by `./tfssl bench semi-supervised`; do not edit by hand.\n\n");
    b.append("- reproduces: BYOL (Grill et al. 2020) Table 2 (ImageNet, 1% of the labels:")
        .append(" fine-tuned BYOL 53.2% top-1, the same ResNet-50 from scratch 25.4%)\n");
    b.append("- command: `").append(command).append("`\n");
    for (String e : earlier) {
      b.append("- runs kept (`--resume`) from: `").append(e).append("`\n");
    }
    b.append("- date: ").append(start).append(" to ").append(Instant.now()).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "- machine: %d cores, %s; Java %s%n",
            Machine.cores(),
            Machine.cpuModel(),
            System.getProperty("java.version")));
    if (runs.size() < total) {
      b.append(String.format(Locale.ROOT, "- **partial: %d of %d runs**%n", runs.size(), total));
    }
    b.append(
            "- protocol: `eval finetune`'s (class-balanced subset chosen by the seed, encoder and"
                + " linear head trained together with augmentation, top-1 on the whole test split);"
                + " the untrained rows start the same encoder from random initialization on the same"
                + " subsets; pretraining images of the exports: ")
        .append(images)
        .append("\n");
    b.append(
        "- kernels: each run's encoder kernels at the start of fine-tuning, as a multiple of the"
            + " norm of a fresh random initialization (1 for the untrained rows), and the angle"
            + " fine-tuning turned them through (concatenated over the encoder's convolutions)."
            + " Behind batch norm a kernel's scale does not change its output, and an SGD step of"
            + " the same lr turns a kernel k times the initial norm about k² times less"
            + " (`KernelChange`); rows whose runs predate the measurement show n/a.\n");
    b.append("- rows at another lr than the protocol's (")
        .append(PROTOCOL_LR)
        .append(") carry it in their name: a diagnosis, not what the claims judge\n\n");
    b.append(
        "| row | fine-tune top-1 % (mean ± std over label seeds) | seeds | kernel norm at start"
            + " / fresh init | turned during fine-tuning | time per run |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    Map<String, List<Map<String, Object>>> byRow = new LinkedHashMap<>();
    for (Map<String, Object> r : runs) {
      byRow.computeIfAbsent((String) r.get("row"), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<Map<String, Object>>> e : byRow.entrySet()) {
      DescriptiveStatistics top1 = new DescriptiveStatistics();
      DescriptiveStatistics secs = new DescriptiveStatistics();
      DescriptiveStatistics scale = new DescriptiveStatistics();
      DescriptiveStatistics turn = new DescriptiveStatistics();
      for (Map<String, Object> r : e.getValue()) {
        top1.addValue(number(r.get("finetuneTop1")));
        secs.addValue(number(r.get("seconds")));
        if (r.get("kernelScale") != null) {
          scale.addValue(number(r.get("kernelScale")));
          turn.addValue(number(r.get("kernelTurnDegrees")));
        }
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f%s | %d | %s | %s | %.0f s |%n",
              e.getKey(),
              100 * top1.getMean(),
              top1.getN() < 2
                  ? ""
                  : String.format(Locale.ROOT, " ± %.2f", 100 * top1.getStandardDeviation()),
              top1.getN(),
              scale.getN() == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", scale.getMean()),
              turn.getN() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f°", turn.getMean()),
              secs.getMean()));
    }
    b.append("\nRaw runs: `").append(TABLE).append(".json`. Verdicts: `../claims.md`.\n");
    Files.writeString(results.resolve(TABLE + ".md"), b.toString());
  }
}
