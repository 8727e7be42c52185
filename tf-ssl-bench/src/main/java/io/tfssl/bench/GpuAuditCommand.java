package io.tfssl.bench;

import io.tfssl.cli.CliChecks;
import io.tfssl.cli.UsageException;
import io.tfssl.nn.Encoders;
import io.tfssl.train.PretrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl bench gpu-audit}: which ops of the training graphs would run on the CPU. */
@Command(
    name = "gpu-audit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Kernel audit without a GPU: builds the full training graph (augmented views, method, "
          + "gradients, optimizer, state updates, monitor, checkpoint ops) and the exported "
          + "inference graph of every method x encoder, and lists each op that TensorFlow's "
          + "placer would put on the CPU in a session with a GPU (no GPU kernel for its types),"
          + " or whose GPU kernel keeps an argument in host memory; whether every step runs it"
          + " (or log steps only), and the bytes it would copy between host and GPU.",
      "Writes RESULTS/gpu-audit.md and .json. Exit status 1 when a step path has a CPU op "
          + "that is not justified (GpuAudit.JUSTIFIED).",
      "The kernel registry: the live one of the GPU build (TFSSL_GPU=1 ./tfssl), or the "
          + "snapshot of it in the sources (with the CPU build)."
    },
    footer = {
      "",
      "Examples:",
      "  TFSSL_GPU=1 ./tfssl bench gpu-audit",
      "  ./tfssl bench gpu-audit --encoders small --registry snapshot",
      "  TFSSL_GPU=1 ./tfssl bench gpu-audit --save-registry "
          + "tf-ssl-bench/src/main/resources/io/tfssl/bench/gpu-kernels.json.gz"
    })
public final class GpuAuditCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--methods",
      paramLabel = "M,...",
      split = ",",
      defaultValue = "simsiam,byol,simclr,mocov2,swav",
      description = "Methods to audit (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(
      names = "--encoders",
      paramLabel = "E,...",
      split = ",",
      defaultValue = "small,resnet18,resnet50",
      description =
          "Encoders to audit (default: ${DEFAULT-VALUE}; small 28x28x1, the ResNets " + "32x32x3).")
  List<String> encoders;

  @Option(
      names = "--batch-size",
      paramLabel = "B",
      defaultValue = "256",
      description = "Batch size the byte counts assume (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--towers",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Also audit each training step as N towers build it (nccl, sync BN), for "
              + "the small encoder; 1: no tower graphs (default: ${DEFAULT-VALUE}).")
  int towers;

  @Option(
      names = "--registry",
      paramLabel = "auto|live|snapshot",
      defaultValue = "auto",
      description =
          "Kernel registry: live (the loaded GPU build), snapshot (the copy in the "
              + "sources), auto (live with the GPU build, else the snapshot; default).")
  String registry;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results",
      description = "Where gpu-audit.md and .json go (default: ${DEFAULT-VALUE}).")
  Path results;

  @Option(
      names = "--save-registry",
      paramLabel = "FILE",
      description =
          "Instead of auditing, write the live GPU kernel registry (GPU build only) "
              + "as a gzipped snapshot to FILE.")
  Path saveRegistry;

  @Override
  public Integer call() throws IOException {
    for (String m : methods) {
      if (!PretrainConfig.METHODS.contains(m)) {
        throw new UsageException(
            "--methods: unknown method '" + m + "' (expected " + PretrainConfig.METHODS + ")");
      }
    }
    for (String e : encoders) {
      if (!Encoders.NAMES.contains(e)) {
        throw new UsageException(
            "--encoders: unknown encoder '" + e + "' (expected " + Encoders.NAMES + ")");
      }
    }
    CliChecks.positive("--batch-size", batchSize);
    CliChecks.positive("--towers", towers);
    if (batchSize % towers != 0) {
      throw new UsageException(
          "--batch-size " + batchSize + " does not split into " + towers + " towers");
    }
    if (!List.of("auto", "live", "snapshot").contains(registry)) {
      throw new UsageException("--registry must be auto, live or snapshot, got '" + registry + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (saveRegistry != null) {
      CliChecks.writableFile("--save-registry", saveRegistry);
      if (!io.tfssl.compute.NativeBuild.isGpu()) {
        throw new UsageException(
            "--save-registry needs the GPU build of TensorFlow "
                + "(TFSSL_GPU=1 ./tfssl); this is the "
                + io.tfssl.compute.NativeBuild.describe());
      }
      GpuKernels live = GpuKernels.live();
      live.write(saveRegistry, "tfssl bench gpu-audit --save-registry " + saveRegistry);
      out.println(
          "wrote "
              + saveRegistry
              + ": "
              + live.counts()
              + " kernel registrations of "
              + "TensorFlow "
              + live.tfVersion());
      out.flush();
      return 0;
    }
    CliChecks.writableDirectory("--results", results);
    if (registry.equals("live") && !io.tfssl.compute.NativeBuild.isGpu()) {
      throw new UsageException(
          "--registry live needs the GPU build of TensorFlow "
              + "(TFSSL_GPU=1 ./tfssl); this is the "
              + io.tfssl.compute.NativeBuild.describe());
    }
    GpuKernels kernels =
        switch (registry) {
          case "live" -> GpuKernels.live();
          case "snapshot" -> GpuKernels.snapshot();
          default -> GpuKernels.auto();
        };
    out.println("kernel registry: " + kernels.provenance());
    List<GpuAudit.GraphAudit> audits = new ArrayList<>();
    for (String encoder : encoders) {
      for (String method : methods) {
        int t = encoder.equals("small") ? towers : 1;
        for (GpuAudit.GraphAudit a : GpuAudit.audit(method, encoder, batchSize, kernels, t)) {
          out.printf(
              java.util.Locale.ROOT,
              "%-8s %-9s %-9s %5d nodes (built in %.1f s): %d "
                  + "CPU nodes every step (%d unjustified), %d host-memory args every step%n",
              a.method(),
              a.encoder(),
              a.graph(),
              a.nodes(),
              a.buildSeconds(),
              a.cpuOnStepPath().size(),
              a.unjustified().size(),
              a.onStepPath().size() - a.cpuOnStepPath().size());
          out.flush();
          audits.add(a);
        }
      }
    }
    String command =
        "tfssl bench gpu-audit --methods "
            + String.join(",", methods)
            + " --encoders "
            + String.join(",", encoders)
            + " --batch-size "
            + batchSize
            + " --towers "
            + towers
            + " --registry "
            + registry;
    GpuAuditReport report = new GpuAuditReport(command, batchSize, kernels, audits);
    report.write(results);
    out.println("wrote " + results.resolve("gpu-audit.md") + " and gpu-audit.json");
    out.flush();
    if (!report.failing().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "failed: "
                  + report.failing().size()
                  + " graph(s) "
                  + "have a CPU node on the step path that is not justified (see gpu-audit.md)");
      return 1;
    }
    return 0;
  }
}
