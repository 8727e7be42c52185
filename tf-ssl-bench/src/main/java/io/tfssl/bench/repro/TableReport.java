package io.tfssl.bench.repro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.bench.Machine;
import io.tfssl.train.CollapseMonitor;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tensorflow.TensorFlow;

/**
 * Writes what a table run measured: {@code <table>.md} (the table with the command, dates, machine
 * and versions), {@code <table>.json} (every run, curves included) and {@code <table>.png} (kNN
 * accuracy per row with the seeds' spread; for tables with curves, the loss, collapse std and kNN
 * accuracy over training, as SimSiam's Fig. 2).
 */
public final class TableReport {
  private TableReport() {}

  /** Mean, sample standard deviation and count of the finite values. */
  record Stat(double mean, double std, int n, int of) {
    static Stat of(List<Double> values) {
      DescriptiveStatistics d = new DescriptiveStatistics();
      values.stream().filter(Double::isFinite).forEach(d::addValue);
      return new Stat(
          d.getN() == 0 ? Double.NaN : d.getMean(),
          d.getN() < 2 ? Double.NaN : d.getStandardDeviation(),
          (int) d.getN(),
          values.size());
    }

    String percent() {
      if (n == 0) {
        return "n/a";
      }
      String m = String.format(Locale.ROOT, "%.2f", 100 * mean);
      return n < 2 ? m : m + String.format(Locale.ROOT, " ± %.2f", 100 * std);
    }
  }

  /**
   * Everything about the run of one table. {@code resumed} is null unless the command continued a
   * stopped table ({@code --resume}): then {@code started}, {@code finished} and the load averages
   * are this command's, and {@code resumed} says when the table's first command started and how
   * many runs were kept from the file.
   */
  public record Context(
      String command,
      Instant started,
      Instant finished,
      Scale scale,
      String preset,
      double loadBefore,
      double loadAfter,
      int plannedRuns,
      Resumed resumed) {}

  /**
   * What a resumed table carries over from its file: the first command's start ({@code
   * table_started} in the JSON) and the number of runs kept.
   */
  public record Resumed(Instant tableStarted, int keptRuns) {}

  /** Writes the three files into {@code dir}; returns the Markdown path. */
  public static Path write(ReproTable table, List<RunResult> runs, Context ctx, Path dir) {
    try {
      Files.createDirectories(dir);
      Path md = dir.resolve(table.name() + ".md");
      Files.writeString(md, markdown(table, runs, ctx));
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      Map<String, Object> raw = new LinkedHashMap<>();
      raw.put("table", table.name());
      raw.put("title", table.title());
      raw.put("source", table.source());
      raw.put("command", ctx.command());
      raw.put("started", ctx.started().toString());
      raw.put("finished", ctx.finished().toString());
      raw.put(
          "table_started",
          (ctx.resumed() == null ? ctx.started() : ctx.resumed().tableStarted()).toString());
      raw.put("kept_runs", ctx.resumed() == null ? 0 : ctx.resumed().keptRuns());
      raw.put("scale", ctx.scale());
      raw.put("preset", ctx.preset());
      raw.put("machine", machine(ctx));
      raw.put("runs", runs);
      json.writeValue(dir.resolve(table.name() + ".json").toFile(), raw);
      plot(table, runs, dir.resolve(table.name() + ".png"));
      return md;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the results of " + table.name() + " in " + dir, e);
    }
  }

  static Map<String, Object> machine(Context ctx) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Machine.cores());
    m.put("cpu", Machine.cpuModel());
    m.put(
        "gpu",
        Files.isDirectory(Path.of("/proc/driver/nvidia/gpus"))
            ? "NVIDIA (see nvidia-smi)"
            : "none");
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("tensorflow", TensorFlow.version() + " (TensorFlow Java 1.1.0)");
    m.put("TF_ENABLE_ONEDNN_OPTS", String.valueOf(Machine.oneDnnOpts()));
    m.put("load_average_before", ctx.loadBefore());
    m.put("load_average_after", ctx.loadAfter());
    return m;
  }

  /** The rows in order, each with its runs. */
  static Map<String, List<RunResult>> byRow(List<RunResult> runs) {
    Map<String, List<RunResult>> rows = new LinkedHashMap<>();
    for (RunResult r : runs) {
      rows.computeIfAbsent(r.row(), k -> new ArrayList<>()).add(r);
    }
    return rows;
  }

  static String markdown(ReproTable table, List<RunResult> runs, Context ctx) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(table.title()).append(" (`").append(table.name()).append("`)\n\n");
    b.append(
        "Written by `./tfssl bench table` from the runs it measured; do not edit by hand.\n\n");
    b.append("- reproduces: ").append(table.source()).append('\n');
    b.append("- command: `").append(ctx.command()).append("`\n");
    if (ctx.resumed() == null) {
      b.append("- date: ").append(ctx.started()).append(" to ").append(ctx.finished()).append('\n');
    } else {
      b.append(
          String.format(
              Locale.ROOT,
              "- date: the table's first command started %s; this command (--resume; runs kept from"
                  + " the file: %d; the machine line's load averages are this command's) ran"
                  + " from %s to %s%n",
              ctx.resumed().tableStarted(),
              ctx.resumed().keptRuns(),
              ctx.started(),
              ctx.finished()));
    }
    if (runs.size() < ctx.plannedRuns()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- **partial: %d of %d runs so far** (runs go seed by seed: every row with seed 0,"
                  + " then seed 1, ...)%n",
              runs.size(),
              ctx.plannedRuns()));
    }
    Map<String, Object> m = machine(ctx);
    b.append(
        String.format(
            Locale.ROOT,
            "- machine: %s cores, %s, GPU: %s, 1-min load average" + " %.2f before, %.2f after%n",
            m.get("cores"),
            m.get("cpu"),
            m.get("gpu"),
            ctx.loadBefore(),
            ctx.loadAfter()));
    b.append("- versions: ")
        .append(m.get("java"))
        .append(", TensorFlow ")
        .append(m.get("tensorflow"))
        .append(", TF_ENABLE_ONEDNN_OPTS=")
        .append(m.get("TF_ENABLE_ONEDNN_OPTS"))
        .append('\n');
    Scale s = ctx.scale();
    b.append(
        String.format(
            Locale.ROOT,
            "- scale `%s`: recipe `%s` of each row's method, %d steps"
                + " of batch %d per run (unless the row changes them), %d seed(s) per row; kNN"
                + " (k 200, t 0.1) with the first %d training images as the bank and the first %d test"
                + " images as queries%n",
            s.name(),
            ctx.preset(),
            s.steps(),
            s.batchSize(),
            table.seeds(s),
            s.knnBank(),
            s.queries()));
    if (s.resolving()) {
      b.append(
          "- every row: kNN after each of the scale's curve points, linear evaluation (all of"
              + " both splits, LinearEval's default protocol) and the export's RankMe on the first"
              + " 1,024 test images in inference mode; rank_y/rank_z (train) are the last values"
              + " the training log recorded on a training batch\n");
    }
    b.append(
        "- warm-up: the recipe's, capped at a tenth of the run (a recipe's warm-up is in"
            + " epochs and would otherwise fill a run shorter than an epoch)\n");
    b.append(
        "- the paper column is the paper's ImageNet linear top-1, for orientation only: this"
            + " scale reproduces the direction and the collapse outcome, not the values\n\n");
    boolean linear = runs.stream().anyMatch(r -> !Double.isNaN(r.linearTop1()));
    boolean ranks = runs.stream().anyMatch(r -> !Double.isNaN(r.exportRankY()));
    b.append("| row | paper (ImageNet) | kNN top-1 %")
        .append(linear ? " | linear top-1 %" : "")
        .append(" | collapse std·√d (end) | loss (end)")
        .append(ranks ? " | rank_y / rank_z (train, end) | export rank y / z" : "")
        .append(" | outcome | seeds | time per run |\n");
    b.append("|---|---|---:|")
        .append(linear ? "---:|" : "")
        .append("---:|---:|")
        .append(ranks ? "---:|---:|" : "")
        .append("---|---:|---:|\n");
    for (Map.Entry<String, List<RunResult>> e : byRow(runs).entrySet()) {
      List<RunResult> rs = e.getValue();
      Stat knn = Stat.of(rs.stream().map(RunResult::knnTop1).toList());
      Stat lin = Stat.of(rs.stream().map(RunResult::linearTop1).toList());
      Stat std = Stat.of(rs.stream().map(RunResult::collapseStd).toList());
      Stat loss = Stat.of(rs.stream().map(RunResult::finalLoss).toList());
      Stat secs = Stat.of(rs.stream().map(RunResult::seconds).toList());
      long diverged = rs.stream().filter(RunResult::diverged).count();
      String outcome =
          diverged > 0
              ? "diverged in "
                  + diverged
                  + "/"
                  + rs.size()
                  + " (step "
                  + rs.stream()
                      .filter(RunResult::diverged)
                      .map(r -> String.valueOf(r.divergedAtStep()))
                      .reduce((x, y) -> x + ", " + y)
                      .orElse("")
                  + ")"
              : rs.stream().allMatch(r -> r.steps() == 0)
                  ? "untrained"
                  : collapsedRuns(rs) > 0
                      ? "collapsed in " + collapsedRuns(rs) + "/" + rs.size()
                      : "no collapse";
      b.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(paperOf(table, e.getKey(), s))
          .append(" | ")
          .append(knn.percent());
      if (linear) {
        b.append(" | ").append(lin.percent());
      }
      b.append(" | ").append(plain(std)).append(" | ").append(plain(loss));
      if (ranks) {
        b.append(" | ")
            .append(ranks(rs, RunResult::rankY, RunResult::rankZ))
            .append(" | ")
            .append(ranks(rs, RunResult::exportRankY, RunResult::exportRankZ));
      }
      b.append(
          String.format(Locale.ROOT, " | %s | %d | %.0f s |%n", outcome, rs.size(), secs.mean()));
    }
    b.append(
            "\nEach value is the mean ± sample std over the seeds (a single number: one seed)."
                + " Raw runs with their curves: `")
        .append(table.name())
        .append(".json`; plot: `")
        .append(table.name())
        .append(".png`.\n\n");
    b.append("At the papers' scale (GPU): `").append(table.paperScale()).append("`\n");
    return b.toString();
  }

  /**
   * Runs whose last logged reading trips the training monitor's rule (README "Collapse monitors":
   * std·√d of z below 0.2, or RankMe of y below 8% of min(batch, d_y)).
   */
  static long collapsedRuns(List<RunResult> rs) {
    return rs.stream()
        .filter(r -> r.steps() > 0 && Double.isFinite(r.collapseStd()))
        .filter(
            r ->
                new CollapseMonitor.Reading(r.collapseStd(), r.rankY(), r.rankBoundY()).collapsed())
        .count();
  }

  private static String paperOf(ReproTable table, String row, Scale s) {
    return table.variants().apply(s).stream()
        .filter(v -> v.label().equals(row))
        .map(v -> v.paper().isEmpty() ? "" : v.paper())
        .findFirst()
        .orElse("");
  }

  /** Two ranks' means over the seeds, "y / z", one decimal. */
  private static String ranks(
      List<RunResult> rs,
      java.util.function.ToDoubleFunction<RunResult> y,
      java.util.function.ToDoubleFunction<RunResult> z) {
    Stat sy = Stat.of(rs.stream().map(r -> y.applyAsDouble(r)).toList());
    Stat sz = Stat.of(rs.stream().map(r -> z.applyAsDouble(r)).toList());
    if (sy.n() == 0 && sz.n() == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1f / %.1f", sy.mean(), sz.mean());
  }

  private static String plain(Stat s) {
    if (s.n() == 0) {
      return "n/a";
    }
    String m = String.format(Locale.ROOT, "%.3f", s.mean());
    return s.n() < 2 ? m : m + String.format(Locale.ROOT, " ± %.3f", s.std());
  }

  /** The runs a table's JSON file holds (as {@link #write} wrote them). */
  static List<RunResult> readRuns(Path json) throws IOException {
    ObjectMapper mapper =
        new ObjectMapper()
            .configure(
                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                false);
    return mapper.readValue(
        mapper.readTree(json.toFile()).get("runs").traverse(mapper),
        new com.fasterxml.jackson.core.type.TypeReference<List<RunResult>>() {});
  }

  /** A bar chart of kNN top-1 per row (error bars: the seeds' std); curves where asked. */
  static void plot(ReproTable table, List<RunResult> runs, Path png) throws IOException {
    Map<String, List<RunResult>> rows = byRow(runs);
    CategoryChart bars =
        new CategoryChartBuilder()
            .width(900)
            .height(420)
            .title(table.title())
            .xAxisTitle("")
            .yAxisTitle("kNN top-1 (%)")
            .build();
    List<String> labels = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    for (Map.Entry<String, List<RunResult>> e : rows.entrySet()) {
      Stat k = Stat.of(e.getValue().stream().map(RunResult::knnTop1).toList());
      labels.add(e.getKey());
      means.add(k.n() == 0 ? 0.0 : 100 * k.mean());
      errors.add(k.n() < 2 ? 0.0 : 100 * k.std());
    }
    bars.addSeries("kNN top-1", labels, means, errors);
    bars.getStyler().setLegendVisible(false);
    bars.getStyler().setXAxisLabelRotation(20);
    List<Chart<?, ?>> charts = new ArrayList<>();
    charts.add(bars);
    boolean curves = runs.stream().anyMatch(r -> r.knnCurve().size() > 1);
    if (curves) {
      charts.add(curve(rows, "training loss", 1, false));
      charts.add(curve(rows, "collapse std·√d of l2-normalized z", 2, false));
      if (runs.stream().anyMatch(r -> !r.curve().isEmpty() && r.curve().get(0).length > 3)) {
        charts.add(curve(rows, "RankMe of the encoder output y (training batch)", 3, false));
      }
      charts.add(curve(rows, "kNN top-1 (%)", 1, true));
    }
    if (charts.size() == 1) {
      BitmapEncoder.saveBitmap(bars, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    } else {
      BitmapEncoder.saveBitmap(
          charts, charts.size(), 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static XYChart curve(
      Map<String, List<RunResult>> rows, String title, int column, boolean knn) {
    XYChart c = new XYChartBuilder().width(900).height(300).title(title).xAxisTitle("step").build();
    // One colour per row in every chart (by the row's place in the table, untrained row included),
    // so that a row reads the same in the loss, collapse, rank and kNN panels.
    Color[] colors = {
      new Color(31, 119, 180),
      new Color(214, 39, 40),
      new Color(44, 160, 44),
      new Color(148, 103, 189),
      new Color(255, 127, 14),
      new Color(140, 86, 75),
      new Color(227, 119, 194),
      new Color(127, 127, 127),
      new Color(188, 189, 34),
      new Color(23, 190, 207)
    };
    double lastStep =
        rows.values().stream()
            .flatMap(List::stream)
            .flatMap(r -> (knn ? r.knnCurve() : r.curve()).stream())
            .mapToDouble(p -> p[0])
            .max()
            .orElse(1);
    int i = -1;
    for (Map.Entry<String, List<RunResult>> e : rows.entrySet()) {
      i++;
      RunResult first = e.getValue().get(0);
      List<double[]> pts = knn ? first.knnCurve() : first.curve();
      if (pts.isEmpty()) {
        continue;
      }
      double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
      double[] y = pts.stream().mapToDouble(p -> knn ? 100 * p[1] : p[column]).toArray();
      String name = e.getKey() + " (seed " + first.seed() + ")";
      if (x.length == 1 && first.steps() == 0) {
        // A row that does not train (the untrained encoder) is a level: drawn across the run.
        x = new double[] {0, lastStep};
        y = new double[] {y[0], y[0]};
        name = e.getKey() + " (floor, seed " + first.seed() + ")";
      }
      var series = c.addSeries(name, x, y);
      series.setMarker(SeriesMarkers.NONE).setLineColor(colors[i % colors.length]);
    }
    return c;
  }
}
