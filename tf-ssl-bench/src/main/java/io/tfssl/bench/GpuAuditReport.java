package io.tfssl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.bench.GpuAudit.GraphAudit;
import io.tfssl.bench.KernelAudit.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.TensorFlow;

/**
 * {@code gpu-audit.md} and {@code gpu-audit.json}: one row per method × encoder × graph, the
 * step-path CPU ops in detail, and the CPU ops off the step path grouped by op.
 *
 * @param command the command line that ran the audit
 * @param batch the batch size the byte counts assume
 * @param kernels the registry audited against
 * @param audits the graphs
 */
public record GpuAuditReport(
    String command, int batch, GpuKernels kernels, List<GraphAudit> audits) {

  /** Graphs with an unjustified CPU op on their step path. */
  public List<GraphAudit> failing() {
    return audits.stream().filter(a -> !a.unjustified().isEmpty()).toList();
  }

  /** Writes both files into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("gpu-audit.md"), markdown());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("gpu-audit.json").toFile(), json());
  }

  private Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("command", command);
    root.put("date", Instant.now().toString());
    root.put("machine", Machine.cpuModel() + ", " + Machine.cores() + " cores");
    root.put("tf_version", TensorFlow.version());
    root.put("registry", kernels.provenance());
    root.put("batch_size", batch);
    List<Map<String, Object>> graphs = new ArrayList<>();
    for (GraphAudit a : audits) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("method", a.method());
      g.put("encoder", a.encoder());
      g.put("graph", a.graph());
      g.put("nodes", a.nodes());
      g.put("step_path_nodes", a.stepNodes());
      g.put("build_seconds", a.buildSeconds());
      g.put("findings_count", a.findings().size());
      g.put("findings_on_step_path", a.onStepPath().size());
      g.put("cpu_nodes_on_step_path", a.cpuOnStepPath().size());
      g.put("unjustified_on_step_path", a.unjustified().size());
      // Each CPU node that runs per step (every step or log steps); the rest grouped by op,
      // types, source and reason: host-memory arguments (many, a few bytes each) and what does
      // not run per step (initializers, checkpoint ops).
      List<Map<String, Object>> findings = new ArrayList<>();
      for (Finding f : a.findings()) {
        if (!f.cpu() || f.runs() == KernelAudit.Runs.NOT_PER_STEP) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", f.node());
        m.put("op", f.op());
        m.put("types", f.types());
        m.put("source", f.source());
        m.put("runs", f.runs().toString());
        m.put("step_path", f.stepPath());
        m.put("cpu", f.cpu());
        m.put("reason", f.reason());
        m.put("bytes_per_step", f.bytesPerStep());
        m.put("copies", f.copies());
        m.put("justification", f.cpuOnStepPath() ? GpuAudit.justification(f) : null);
        findings.add(m);
      }
      g.put("cpu_nodes_per_step", findings);
      GpuAuditReport one = new GpuAuditReport(command, batch, kernels, List.of(a));
      g.put("host_memory_every_step_grouped", one.groupedJson(f -> !f.cpu() && f.stepPath()));
      g.put(
          "host_memory_log_steps_grouped",
          one.groupedJson(f -> !f.cpu() && f.runs() == KernelAudit.Runs.LOG_STEPS));
      g.put(
          "not_per_step_grouped", one.groupedJson(f -> f.runs() == KernelAudit.Runs.NOT_PER_STEP));
      g.put("watched", a.watched());
      graphs.add(g);
    }
    root.put("graphs", graphs);
    root.put("registry_watched", registryRows());
    return root;
  }

  /** The registry's kernels of the {@link GpuAudit#WATCHED} ops, in a graph here or not. */
  private List<Map<String, Object>> registryRows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String op : new TreeSet<>(GpuAudit.WATCHED)) {
      for (GpuKernels.Kernel k : kernels.byOp().getOrDefault(op, List.of())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("device", k.device());
        m.put("constraints", k.constraints());
        m.put("host_memory", k.hostMemory());
        rows.add(m);
      }
      if (!kernels.byOp().containsKey(op)) {
        rows.add(Map.of("op", op, "device", "none"));
      }
    }
    return rows;
  }

  private String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# GPU kernel audit (`tfssl bench gpu-audit`)\n\n");
    b.append("Written by `").append(command).append("`; do not edit by hand.\n\n");
    b.append("- date: ").append(Instant.now()).append('\n');
    b.append("- machine: ")
        .append(Machine.cpuModel())
        .append(", ")
        .append(Machine.cores())
        .append(" cores (no GPU needed: the audit reads the graphs and the kernel registry)\n");
    b.append("- TensorFlow: ")
        .append(TensorFlow.version())
        .append(" (the loaded ")
        .append(io.tfssl.compute.NativeBuild.describe())
        .append(")\n");
    b.append("- kernel registry: ").append(kernels.provenance()).append('\n');
    b.append("- byte counts at batch ")
        .append(batch)
        .append(" (unknown dimensions taken as the batch size)\n");
    b.append("- verdict: ")
        .append(
            failing().isEmpty()
                ? "**every CPU node on a step path is justified**"
                : "**"
                    + failing().size()
                    + " graph(s) with an unjustified CPU node on the step path**")
        .append("\n\n");
    b.append(
        "Runs: *every step* when the step's targets and fetches (training: `train_step` "
            + "and the loss; inference: `embedding` and `projection`) depend on the node (the step's "
            + "critical path); *log steps only* when only the monitors fetched on log steps "
            + "(learning rate, collapse std, RankMe of y and z, tau) need it; otherwise *not per "
            + "step* (initializers, checkpoint save/restore, the kNN monitor's embedding). A finding "
            + "is a node the placer would put on the CPU in a session with a GPU (no GPU or DEFAULT "
            + "kernel for its types, or colocated with such a node), or a GPU node whose kernel keeps "
            + "an argument in host memory that another GPU node has in device memory. Copied bytes: "
            + "each tensor crossing between host and device memory once per run (int32, string and "
            + "resource arguments and `HostMemory` ones are in host memory; the fed uint8 batch is "
            + "the intended copy and not counted).\n\n");
    b.append(
        "| method | encoder | graph | nodes | every step | build s | CPU nodes | CPU, "
            + "every step | unjustified | their bytes/step | host-memory args, every step "
            + "| their bytes/step |\n");
    b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (GraphAudit a : audits) {
      List<Finding> host = a.onStepPath().stream().filter(f -> !f.cpu()).toList();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %d | %.1f | %d | %d | %d | %d | %d | %d |%n",
              a.method(),
              a.encoder(),
              a.graph(),
              a.nodes(),
              a.stepNodes(),
              a.buildSeconds(),
              a.findings().stream().filter(Finding::cpu).count(),
              a.cpuOnStepPath().size(),
              a.unjustified().size(),
              bytes(a.cpuOnStepPath()),
              host.size(),
              bytes(host)));
    }
    b.append("\n## CPU nodes that run every step\n\n");
    b.append("The audit fails on any of these that is not justified.\n\n");
    b.append("| op | types | source | reason | graphs × nodes | bytes/step | why harmless |\n");
    b.append("|---|---|---|---|---:|---:|---|\n");
    group(Finding::cpuOnStepPath).forEach((k, v) -> b.append(row(k, v, true)));
    b.append("\n## Host-memory arguments of GPU kernels, every step\n\n");
    b.append(
        "GPU nodes whose kernel reads or writes an argument in host memory (`HostMemory`) "
            + "that its neighbour has in device memory: each is a small copy per step, and a "
            + "device-to-host copy waits for the GPU to produce the value. Reported, not failed "
            + "on.\n\n");
    b.append("| op | types | source | reason | graphs × nodes | bytes/step |\n");
    b.append("|---|---|---|---|---:|---:|\n");
    group(f -> !f.cpu() && f.stepPath()).forEach((k, v) -> b.append(row(k, v, false)));
    b.append("\n## Findings that run on log steps only\n\n");
    b.append("| op | types | source | reason | graphs × nodes | bytes/run |\n");
    b.append("|---|---|---|---|---:|---:|\n");
    group(f -> f.runs() == KernelAudit.Runs.LOG_STEPS)
        .forEach((k, v) -> b.append(row(k, v, false)));
    b.append("\n## Findings that do not run per step\n\n");
    b.append("| op | types | source | reason | graphs × nodes | bytes/run |\n");
    b.append("|---|---|---|---|---:|---:|\n");
    group(f -> f.runs() == KernelAudit.Runs.NOT_PER_STEP)
        .forEach((k, v) -> b.append(row(k, v, false)));
    b.append("\n## Watched ops in the graphs\n\n");
    b.append(
        "The kernel each would get on a GPU (`DEFAULT`: TF's fallback registration for "
            + "any device, used when no registration of the device's type matches).\n\n");
    b.append("| op | types | source | runs | kernel | graphs × nodes |\n");
    b.append("|---|---|---|---|---|---:|\n");
    Map<String, Integer> watched = new TreeMap<>();
    for (GraphAudit a : audits) {
      for (GpuAudit.Watched w : a.watched()) {
        watched.merge(
            String.join(" | ", w.op(), w.types(), w.source(), w.runs().toString(), w.kernel()),
            1,
            Integer::sum);
      }
    }
    watched.forEach((k, n) -> b.append("| ").append(k).append(" | ").append(n).append(" |\n"));
    b.append("\n## Watched ops in the registry\n\n");
    b.append("| op | device | type constraints | host memory |\n|---|---|---|---|\n");
    for (Map<String, Object> r : registryRows()) {
      b.append("| ")
          .append(r.get("op"))
          .append(" | ")
          .append(r.get("device"))
          .append(" | ")
          .append(r.getOrDefault("constraints", ""))
          .append(" | ")
          .append(r.getOrDefault("host_memory", ""))
          .append(" |\n");
    }
    return b.toString();
  }

  /** {@link #group} as JSON rows. */
  private List<Map<String, Object>> groupedJson(java.util.function.Predicate<Finding> which) {
    List<Map<String, Object>> rows = new ArrayList<>();
    group(which)
        .forEach(
            (k, v) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("op", k.get(0));
              m.put("types", k.get(1));
              m.put("source", k.get(2));
              m.put("reason", k.get(3));
              m.put("nodes", v[0]);
              m.put("max_bytes_per_run", v[1]);
              rows.add(m);
            });
    return rows;
  }

  /** Findings grouped by op, types, source and reason: node count and largest byte count. */
  private Map<List<String>, long[]> group(java.util.function.Predicate<Finding> which) {
    Map<List<String>, long[]> groups =
        new TreeMap<>((x, y) -> String.join("\u0000", x).compareTo(String.join("\u0000", y)));
    for (GraphAudit a : audits) {
      for (Finding f : a.findings()) {
        if (!which.test(f)) {
          continue;
        }
        String reason =
            f.reason().startsWith("colocated") ? "colocated with a CPU-only node" : f.reason();
        String why = f.cpuOnStepPath() ? String.valueOf(GpuAudit.justification(f)) : "";
        String types = f.types().length() > 60 ? f.types().substring(0, 57) + "..." : f.types();
        reason = reason.length() > 70 ? reason.substring(0, 67) + "..." : reason;
        long[] v =
            groups.computeIfAbsent(
                List.of(f.op(), types, f.source(), reason, why), k -> new long[2]);
        v[0]++;
        v[1] = f.bytesPerStep() < 0 || v[1] < 0 ? -1 : Math.max(v[1], f.bytesPerStep());
      }
    }
    return groups;
  }

  private static long bytes(List<Finding> findings) {
    return findings.stream().mapToLong(f -> Math.max(0, f.bytesPerStep())).sum();
  }

  private static String row(List<String> k, long[] v, boolean withWhy) {
    String bytes = v[1] < 0 ? "unknown shape" : "≤ " + v[1];
    String head =
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s | %d | %s |",
            k.get(0),
            k.get(1).replace("|", "\\|"),
            k.get(2),
            k.get(3).replace("|", "\\|"),
            v[0],
            bytes);
    if (!withWhy) {
      return head + "\n";
    }
    return head + " " + ("null".equals(k.get(4)) ? "**none: a finding**" : k.get(4)) + " |\n";
  }
}
