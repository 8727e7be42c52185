package io.tfssl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.export.SavedModels;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
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
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.tensorflow.TensorFlow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tfssl bench long-run}: thousands of real training steps (data pipeline, augmentation,
 * metrics, checkpoints) with the process's resident memory sampled every few hundred steps. A
 * Tensor or Result left unclosed leaks native memory that the garbage collector does not reclaim in
 * time (docs/tensorflow-java.md §10); it shows here as RSS growing step after step.
 */
@Command(
    name = "long-run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains fmnist-small SimSiam (small encoder) for --steps steps through the"
          + " Trainer, checkpointing as a run does, and records the resident set size every --every"
          + " steps. Writes RESULTS/long-run.md, .json and .png; the verdict compares every sample"
          + " after the warm-up with their median (pass: all within ±5%%)."
    },
    footer = {"", "Example:", "  tfssl bench long-run --steps 5000 --every 500 --batch-size 32"})
public final class LongRunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "5000",
      description = "Training steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--every",
      paramLabel = "K",
      defaultValue = "500",
      description = "Sample RSS every K steps (default: ${DEFAULT-VALUE}).")
  int every;

  @Option(
      names = "--warmup-samples",
      paramLabel = "W",
      defaultValue = "1",
      description = "Samples that count as warm-up (default: ${DEFAULT-VALUE}).")
  int warmupSamples;

  @Option(
      names = "--batch-size",
      paramLabel = "B",
      defaultValue = "32",
      description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "0",
      description = "Cores TF may use (0 = all).")
  int threads;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results",
      description = "Where long-run.md/.json/.png go (default: ${DEFAULT-VALUE}).")
  Path results;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      defaultValue = "runs/bench/long-run",
      description = "The run folder (rewritten; default: ${DEFAULT-VALUE}).")
  Path work;

  @Override
  public Integer call() throws IOException {
    if (steps < 1 || every < 1 || batchSize < 2 || warmupSamples < 0 || threads < 0) {
      throw new io.tfssl.cli.UsageException(
          "--steps, --every must be positive, --batch-size at"
              + " least 2, --warmup-samples and --threads not negative");
    }
    io.tfssl.cli.CliChecks.writableDirectory("--results", results);
    io.tfssl.cli.CliChecks.writableDirectory("--work", work);
    String command =
        "./tfssl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    PretrainConfig config =
        Presets.get("fmnist-small", "simsiam").toBuilder()
            .batchSize(batchSize)
            .steps(steps)
            .threads(threads)
            .logEvery(50)
            .checkpointEvery(Math.max(every, 1000))
            .keepCheckpoints(2)
            .build();
    SavedModels.deleteQuietly(work);
    Instant start = Instant.now();
    double loadBefore = Machine.loadAverage();
    List<double[]> samples = new ArrayList<>();
    try (Trainer t = Trainer.create(config, work)) {
      t.progressBar(false).log(System.err);
      for (long s = every; s <= steps; s += every) {
        t.trainUntil(s);
        System.gc();
        double rss = Machine.rssMb().orElse(Double.NaN);
        Runtime rt = Runtime.getRuntime();
        double heap = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
        samples.add(new double[] {s, rss, heap});
        System.err.printf(
            Locale.ROOT, "step %d: RSS %.1f MiB, Java heap used %.1f MiB%n", s, rss, heap);
      }
    }
    double[] after = samples.stream().skip(warmupSamples).mapToDouble(x -> x[1]).toArray();
    double median = new Median().evaluate(after);
    double worst = 0;
    for (double v : after) {
      worst = Math.max(worst, Math.abs(v - median) / median);
    }
    boolean pass = worst <= 0.05;
    Files.createDirectories(results);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("started", start.toString());
    json.put("finished", Instant.now().toString());
    json.put("cores", Machine.cores());
    json.put("cpu", Machine.cpuModel());
    json.put("tensorflow", TensorFlow.version());
    json.put("java", System.getProperty("java.version"));
    json.put("batch_size", batchSize);
    json.put("steps", steps);
    json.put(
        "samples",
        samples.stream()
            .map(x -> Map.of("step", (long) x[0], "rss_mib", x[1], "heap_used_mib", x[2]))
            .toList());
    json.put("median_after_warmup_mib", median);
    json.put("max_deviation", worst);
    json.put("pass", pass);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(results.resolve("long-run.json").toFile(), json);
    StringBuilder md = new StringBuilder();
    md.append("# Long run: resident memory over ").append(steps).append(" training steps\n\n");
    md.append(
        "Written by `./tfssl bench long-run` from what it measured; do not edit by hand.\n\n");
    md.append("- command: `").append(command).append("`\n");
    md.append("- date: ").append(start).append(" to ").append(Instant.now()).append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "- machine: %d cores, %s, 1-min load average %.2f" + " before, %.2f after%n",
            Machine.cores(),
            Machine.cpuModel(),
            loadBefore,
            Machine.loadAverage()));
    md.append("- versions: Java ")
        .append(System.getProperty("java.version"))
        .append(", TensorFlow ")
        .append(TensorFlow.version())
        .append(" (TensorFlow Java 1.1.0)\n");
    md.append("- run: fmnist-small SimSiam, small encoder, batch ")
        .append(batchSize)
        .append(", in-graph augmentation, metrics every 50 steps, a checkpoint every ")
        .append(config.checkpointEvery())
        .append(" steps (2 kept)\n\n");
    md.append("| step | RSS (MiB) | vs. median after warm-up | Java heap used (MiB) |\n");
    md.append("|---:|---:|---:|---:|\n");
    for (int i = 0; i < samples.size(); i++) {
      double[] x = samples.get(i);
      md.append(
          String.format(
              Locale.ROOT,
              "| %d%s | %.1f | %+.1f%% | %.1f |%n",
              (long) x[0],
              i < warmupSamples ? " (warm-up)" : "",
              x[1],
              100 * (x[1] - median) / median,
              x[2]));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nMedian RSS after warm-up %.1f MiB; largest deviation"
                + " %.1f%%: %s (the bar is ±5%%).%n",
            median,
            100 * worst,
            pass ? "within" : "OUTSIDE"));
    Files.writeString(results.resolve("long-run.md"), md.toString());
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(400)
            .title("RSS over training")
            .xAxisTitle("step")
            .yAxisTitle("MiB")
            .build();
    chart.addSeries(
        "RSS",
        samples.stream().mapToDouble(x -> x[0]).toArray(),
        samples.stream().mapToDouble(x -> x[1]).toArray());
    chart.addSeries(
        "Java heap used",
        samples.stream().mapToDouble(x -> x[0]).toArray(),
        samples.stream().mapToDouble(x -> x[2]).toArray());
    BitmapEncoder.saveBitmap(
        chart, results.resolve("long-run.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    System.out.println(md);
    return pass ? 0 : 1;
  }
}
