package io.tfssl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.tensorflow.TensorFlow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tfssl bench throughput}: the training step of every method with the {@code small} and
 * {@code resnet18} encoders, each configuration in its own JVM ({@code bench step --json}) so that
 * its peak RSS is its own. Reports ms/step, images/s, achieved GFLOP/s and its share of the CPU's
 * FP32 peak ({@link CpuPeak}).
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times the training step of simsiam, byol, simclr, mocov2 and swav with the"
          + " small encoder (28x28x1, batch 256) and resnet18 (32x32x3 CIFAR stem, batch 64), each"
          + " in its own process, and writes RESULTS/throughput.md, .jsonl and .png with images/s,"
          + " ms/step, GFLOP/s, the share of the CPU's FP32 peak and peak RSS."
    },
    footer = {"", "Example:", "  tfssl bench throughput --small-steps 20 --resnet-steps 5"})
public final class ThroughputCommand implements Callable<Integer> {
  static final List<String> METHODS = List.of("simsiam", "byol", "simclr", "mocov2", "swav");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--small-steps",
      paramLabel = "N",
      defaultValue = "20",
      description = "Timed steps for small (default: ${DEFAULT-VALUE}).")
  int smallSteps;

  @Option(
      names = "--resnet-steps",
      paramLabel = "N",
      defaultValue = "5",
      description = "Timed steps for resnet18 (default: ${DEFAULT-VALUE}).")
  int resnetSteps;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      defaultValue = "2",
      description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--augment",
      negatable = true,
      defaultValue = "true",
      description = "Augment in the graph as training does (default: on).")
  boolean augment;

  @Option(
      names = "--methods",
      split = ",",
      paramLabel = "M,M",
      description = "Methods (default: all five).")
  List<String> methods;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results",
      description = "Where throughput.md/.jsonl/.png go (default: ${DEFAULT-VALUE}).")
  Path results;

  @Override
  public Integer call() throws Exception {
    List<String> chosen = methods != null ? methods : METHODS;
    for (String m : chosen) {
      if (!METHODS.contains(m)) {
        throw new io.tfssl.cli.UsageException("--methods: unknown method '" + m + "'");
      }
    }
    if (smallSteps < 1 || resnetSteps < 1 || warmup < 0) {
      throw new io.tfssl.cli.UsageException(
          "--small-steps and --resnet-steps must be positive," + " --warmup not negative");
    }
    io.tfssl.cli.CliChecks.writableDirectory("--results", results);
    String command =
        "./tfssl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    Instant start = Instant.now();
    CpuPeak peak = CpuPeak.detect();
    // Measured before the children start, so nothing of ours shares the cores with it.
    MeasuredPeak measured = MeasuredPeak.measure(MeasuredPeak.DEFAULT_N, 3, 15);
    System.err.println("measured FP32 peak: " + measured.describe());
    List<JsonNode> rows = new ArrayList<>();
    List<String> commands = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String[] enc :
        new String[][] {{"small", "256", "" + smallSteps}, {"resnet18", "64", "" + resnetSteps}}) {
      for (String m : chosen) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "bench",
                    "step",
                    "--method",
                    m,
                    "--encoder",
                    enc[0],
                    "--batch-size",
                    enc[1],
                    "--steps",
                    enc[2],
                    "--warmup",
                    "" + warmup,
                    "--device",
                    "cpu",
                    "--json"));
        if (augment) {
          args.add("--augment");
        }
        double before = Machine.loadAverage();
        JsonNode r = json.readTree(child(args));
        rows.add(r);
        commands.add(
            String.format(
                Locale.ROOT,
                "./tfssl %s    # 1-min load average %.2f before," + " %.2f after",
                String.join(" ", args),
                before,
                Machine.loadAverage()));
        System.err.printf(
            Locale.ROOT,
            "%s %s: %.1f ms/step, %.1f img/s, %.1f GFLOP/s%n",
            m,
            enc[0],
            r.get("ms_per_step_median").asDouble(),
            r.get("images_per_sec").asDouble(),
            r.get("gflops_per_sec").asDouble());
      }
    }
    Files.createDirectories(results);
    StringBuilder jsonl = new StringBuilder();
    for (JsonNode r : rows) {
      jsonl.append(json.writeValueAsString(r)).append('\n');
    }
    Files.writeString(results.resolve("throughput.jsonl"), jsonl);
    Files.writeString(
        results.resolve("throughput.md"), markdown(rows, commands, command, start, peak, measured));
    plot(rows, results.resolve("throughput.png"));
    System.out.println("wrote " + results.resolve("throughput.md"));
    return 0;
  }

  /** Runs {@code tfssl ARGS} in a new JVM with this class path; returns its last stdout line. */
  static String child(List<String> args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g",
                "-cp",
                System.getProperty("java.class.path"),
                "io.tfssl.cli.TfSsl"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
      throw new IllegalStateException("bench step failed (exit " + p.exitValue() + "): " + cmd);
    }
    String[] lines = out.split("\n");
    return lines[lines.length - 1];
  }

  static String markdown(
      List<JsonNode> rows,
      List<String> commands,
      String command,
      Instant start,
      CpuPeak peak,
      MeasuredPeak measured) {
    StringBuilder b = new StringBuilder();
    b.append("# Training-step throughput of every method (`bench throughput`)\n\n");
    b.append(
        "Written by `./tfssl bench throughput` from the measurements in `throughput.jsonl`;"
            + " do not edit by hand.\n\n");
    b.append("- command: `").append(command).append("`\n");
    b.append("- date: ").append(start).append(" to ").append(Instant.now()).append('\n');
    b.append("- machine: ")
        .append(Machine.cores())
        .append(" cores, ")
        .append(Machine.cpuModel())
        .append(", GPU: none used (--device cpu)\n");
    b.append("- versions: Java ")
        .append(System.getProperty("java.version"))
        .append(", TensorFlow ")
        .append(TensorFlow.version())
        .append(" (TensorFlow Java 1.1.0), TF_ENABLE_ONEDNN_OPTS=")
        .append(Machine.oneDnnOpts())
        .append('\n');
    b.append("- FP32 peak, nominal: ")
        .append(peak.describe())
        .append(
            " (the clock is the"
                + " nominal `cpu MHz`; cores that boost past it can exceed 100% of this)\n");
    b.append("- FP32 peak, measured: ")
        .append(measured.describe())
        .append(
            " (what TensorFlow reaches here on a dense GEMM, the best case of the same"
                + " kernels)\n");
    b.append(
        "- one step = all views, forward, backward, optimizer update, BN statistics, target"
            + " EMA / queue / prototypes; in-graph augmentation of one fixed batch of random bytes;"
            + " each row in its own JVM, so peak RSS is that configuration's\n");
    b.append(
        "- GFLOP/s = step FLOPs per image x batch / median step time (step FLOPs = 3 x the"
            + " forward of the trained networks over all views + the forward of gradient-free"
            + " networks), counting the conv and dense layers' multiply-adds\n\n");
    b.append(
        "| method | encoder | input | batch | ms/step (median) | images/s | GFLOP/s | % of"
            + " nominal peak | % of measured peak | step GFLOP/image | peak RSS MB |\n");
    b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode r : rows) {
      double gf = r.get("gflops_per_sec").asDouble();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %.1f | %.1f | %.1f | %.1f%% |" + " %.1f%% | %.3f | %.0f |%n",
              r.get("method").asText(),
              r.get("encoder").asText(),
              r.get("input").asText(),
              r.get("batch_size").asInt(),
              r.get("ms_per_step_median").asDouble(),
              r.get("images_per_sec").asDouble(),
              gf,
              100 * gf / peak.gflops(),
              100 * gf / measured.gflops(),
              r.get("step_flops_per_image").asDouble() / 1e9,
              r.get("peak_rss_mb").asDouble()));
    }
    b.append(
        "\nRuns, with the 1-minute load average before and after each (a run adds about the"
            + " core count; more than that means other work shared the cores):\n\n```\n");
    commands.forEach(c -> b.append(c).append('\n'));
    b.append("```\n");
    return b.toString();
  }

  static void plot(List<JsonNode> rows, Path png) throws IOException {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(900)
            .height(420)
            .title("Training images/s per method (CPU)")
            .yAxisTitle("images/s")
            .build();
    Map<String, List<Double>> byEncoder = new LinkedHashMap<>();
    List<String> methods = new ArrayList<>();
    for (JsonNode r : rows) {
      String m = r.get("method").asText();
      if (!methods.contains(m)) {
        methods.add(m);
      }
      byEncoder
          .computeIfAbsent(
              r.get("encoder").asText() + " (batch " + r.get("batch_size").asInt() + ")",
              k -> new ArrayList<>())
          .add(r.get("images_per_sec").asDouble());
    }
    byEncoder.forEach((enc, v) -> c.addSeries(enc, methods, v));
    BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
