package io.tfssl.bench;

import io.tfssl.distributed.DataParallelOptions;
import io.tfssl.distributed.TowerTraining;
import io.tfssl.export.InferenceNetwork;
import io.tfssl.train.Components;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Replication;
import io.tfssl.train.TrainingGraph;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The kernel audit of every graph a user runs on a GPU: for a method and an encoder, the full
 * training graph as {@code bench step --augment} builds it (augmented views, method, gradients,
 * optimizer, state updates, monitor, and the checkpoint's save/restore ops that {@code
 * Session.save} adds), and the inference graph the exporter serves; each audited with {@link
 * KernelAudit} against a {@link GpuKernels} registry.
 */
public final class GpuAudit {
  private GpuAudit() {}

  /**
   * The audit of one graph.
   *
   * @param method the method
   * @param encoder the encoder
   * @param graph {@code training} or {@code inference}
   * @param nodes the graph's node count
   * @param stepNodes nodes on the step path (inference: the serving path)
   * @param findings the nodes that would run on the CPU or make a host/GPU copy
   * @param watched the kernels the {@link #WATCHED} ops of the graph would get
   * @param buildSeconds how long building the graph took
   */
  public record GraphAudit(
      String method,
      String encoder,
      String graph,
      int nodes,
      int stepNodes,
      List<KernelAudit.Finding> findings,
      List<Watched> watched,
      double buildSeconds) {

    /** The findings on the step path. */
    public List<KernelAudit.Finding> onStepPath() {
      return findings.stream().filter(KernelAudit.Finding::stepPath).toList();
    }

    /** The CPU nodes on the step path. */
    public List<KernelAudit.Finding> cpuOnStepPath() {
      return findings.stream().filter(KernelAudit.Finding::cpuOnStepPath).toList();
    }

    /**
     * The CPU nodes on the step path that no {@link #JUSTIFIED} reason covers: what the audit fails
     * on. Host-memory arguments of GPU kernels are reported, not failed on.
     */
    public List<KernelAudit.Finding> unjustified() {
      return cpuOnStepPath().stream().filter(f -> justification(f) == null).toList();
    }
  }

  /**
   * A node of a {@link #WATCHED} op and the kernel it would get on a GPU.
   *
   * @param op its op type
   * @param types its type attributes
   * @param source the part of the step it belongs to
   * @param runs how often it runs
   * @param kernel {@code GPU}, {@code DEFAULT} (TF's fallback registration), or {@code none}
   */
  public record Watched(
      String op, String types, String source, KernelAudit.Runs runs, String kernel) {}

  /**
   * Ops whose kernel the report shows even when they have one: the crop (the op the audit first
   * found on the CPU), the SVD of the rank monitor, the all-reduce and gathers of towers.
   */
  public static final Set<String> WATCHED =
      Set.of("CropAndResize", "Svd", "CollectiveReduceV2", "CollectiveGatherV2", "NcclAllReduce");

  /**
   * CPU nodes allowed on a step path, keyed {@code op types} as {@link KernelAudit.Finding} shows
   * them, with why they are harmless and the most bytes they may copy per step.
   */
  public static final Map<String, Justified> JUSTIFIED =
      Map.of(
          "Const dtype=DT_STRING",
              new Justified(
                  "non-finite guard",
                  0,
                  "the messages of the "
                      + "non-finite guard's Assert ops: strings always live in host memory and Assert reads "
                      + "its data there (HostMemory), so nothing is copied"),
          "Split T=DT_UINT8",
              new Justified(
                  "towers",
                  Long.MAX_VALUE,
                  "the fed uint8 batch cut "
                      + "into the towers' slices on the host (Split has no uint8 GPU kernel); each slice "
                      + "goes to its tower's GPU: the step's intended input copy, the batch's bytes in "
                      + "uint8"));

  /**
   * Why a CPU node is harmless.
   *
   * @param source the part of the step it must belong to
   * @param maxBytes the most bytes per step it may copy
   * @param why the reason
   */
  public record Justified(String source, long maxBytes, String why) {}

  /** Why finding {@code f} is harmless, or null. */
  public static String justification(KernelAudit.Finding f) {
    Justified j = JUSTIFIED.get(f.op() + " " + f.types());
    return j != null
            && j.source().equals(f.source())
            && f.bytesPerStep() >= 0
            && f.bytesPerStep() <= j.maxBytes()
        ? j.why()
        : null;
  }

  /** The training and inference graphs of {@code method} with {@code encoder}. */
  public static List<GraphAudit> audit(
      String method, String encoder, int batch, GpuKernels kernels) {
    return audit(method, encoder, batch, kernels, 1);
  }

  /**
   * As above, plus the training graph of {@code towers} towers (when more than 1) as {@code
   * pretrain --towers} builds it with {@code --communication nccl --sync-bn}: the all-reduce of the
   * gradients, of the batch-norm moments and the cross-tower batch.
   */
  public static List<GraphAudit> audit(
      String method, String encoder, int batch, GpuKernels kernels, int towers) {
    StepBenchSpec spec = new StepBenchSpec(method, encoder, batch, true, 1, 0, 0, 0L);
    List<GraphAudit> out = new ArrayList<>();
    try (Graph graph = new Graph()) {
      long start = System.nanoTime();
      TrainingGraph step = StepBench.trainingGraph(graph, spec);
      addSaveOps(graph);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.add(
          audit(method, encoder, "training", graph, kernels, trainingRoots(step), batch, seconds));
    }
    if (towers > 1) {
      try (Graph graph = new Graph()) {
        long start = System.nanoTime();
        Replication replication =
            TowerTraining.replication(
                spec.config(),
                DataParallelOptions.defaults()
                    .withTowers(towers)
                    .withCommunication("nccl")
                    .withSyncBatchNorm(true));
        TrainingGraph step = StepBench.trainingGraph(graph, spec, replication);
        addSaveOps(graph);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.add(
            audit(
                method,
                encoder,
                "training, " + towers + " towers (nccl, sync BN)",
                graph,
                kernels,
                trainingRoots(step),
                batch,
                seconds));
      }
    }
    try (Graph graph = new Graph()) {
      long start = System.nanoTime();
      PretrainConfig config = spec.config();
      long[] shape = spec.imageShape();
      int side = (int) shape[0];
      InferenceNetwork net =
          InferenceNetwork.build(
              Ops.create(graph),
              Components.method(config),
              Components.encoder(config, side),
              shape,
              side,
              spec.normalization(config),
              config.seed());
      double seconds = (System.nanoTime() - start) / 1e9;
      KernelAudit.Roots roots =
          new KernelAudit.Roots(
              List.of(net.embedding().op().name(), net.projection().op().name()),
              List.of(),
              List.of(net.images().op().name(), net.normalizedImages().op().name()));
      out.add(audit(method, encoder, "inference", graph, kernels, roots, batch, seconds));
    }
    return out;
  }

  /**
   * A training step's roots as the trainer runs it: the update and the loss every step, the
   * monitors (learning rate, collapse std, RankMe of y and z, τ) on log steps, the uint8 batch fed.
   */
  static KernelAudit.Roots trainingRoots(TrainingGraph step) {
    List<String> log = new ArrayList<>();
    for (var o :
        Arrays.asList(
            step.learningRate(), step.collapseStd(), step.rankY(), step.rankZ(), step.tau())) {
      if (o != null) {
        log.add(o.op().name());
      }
    }
    return new KernelAudit.Roots(
        List.of(step.trainStep().op().name(), step.loss().op().name()),
        log,
        List.of(step.images().op().name()));
  }

  /** Audits {@code graph} as one row of the report. */
  static GraphAudit audit(
      String method,
      String encoder,
      String kind,
      Graph graph,
      GpuKernels kernels,
      KernelAudit.Roots roots,
      int batch,
      double buildSeconds) {
    List<KernelAudit.Finding> findings =
        KernelAudit.audit(graph, kernels, roots, batch, GpuAudit::source);
    GraphDef def = graph.toGraphDef();
    Map<String, KernelAudit.Runs> runs = KernelAudit.runs(def, roots);
    List<Watched> watched = new ArrayList<>();
    for (NodeDef n : def.getNodeList()) {
      if (WATCHED.contains(n.getOp())) {
        watched.add(
            new Watched(
                n.getOp(),
                KernelAudit.typeAttrs(n),
                source(n.getName()),
                runs.get(n.getName()),
                kernels.forNode(n).map(GpuKernels.Kernel::device).orElse("none")));
      }
    }
    int stepNodes =
        (int) runs.values().stream().filter(r -> r == KernelAudit.Runs.EVERY_STEP).count();
    return new GraphAudit(
        method,
        encoder,
        kind,
        def.getNodeCount(),
        stepNodes,
        findings,
        List.copyOf(new java.util.LinkedHashSet<>(watched)),
        buildSeconds);
  }

  private static final Pattern TOWER = Pattern.compile("^tower_\\d+/");

  /**
   * The part of the step a node belongs to, from its name scope: augmentation ({@code view*}),
   * network (online / target forward), backward ({@code gradients*}), optimizer (and loss scale),
   * non-finite guard, method state (target EMA, queue, prototypes), monitor (fetched on log steps,
   * and the kNN monitor's embedding), checkpoint ({@code save/}), step counter, towers (all-reduce,
   * gathers, batch split), preprocessing (inference), or loss (the method's remaining ops).
   */
  static String source(String node) {
    String n = TOWER.matcher(node).replaceFirst("");
    if (n.startsWith("view")) {
      return "augmentation";
    }
    if (n.startsWith("save/")) {
      return "checkpoint";
    }
    if (n.startsWith("monitor/")) {
      return "monitor";
    }
    if (n.startsWith("gradients")) {
      return "backward";
    }
    if (n.startsWith("optimizer/") || n.startsWith("loss_scale/")) {
      return "optimizer";
    }
    if (n.startsWith("non_finite_guard/")) {
      return "non-finite guard";
    }
    if (n.startsWith("target_ema/") || n.startsWith("after_update/") || n.startsWith("replicas/")) {
      return "method state";
    }
    if (n.startsWith("gradient_all_reduce/")
        || n.startsWith("global_batch/")
        || n.startsWith("moving_statistics/")
        || n.startsWith("towers/")
        || n.startsWith("mirror_towers/")) {
      return "towers";
    }
    if (n.startsWith("global_step")
        || n.equals("step")
        || n.equals("train_step")
        || n.startsWith("AssignAdd")) {
      return "step counter";
    }
    if (n.startsWith("preprocess/")) {
      return "preprocessing";
    }
    if (n.startsWith("online/") || n.startsWith("target/")) {
      return "network";
    }
    return "loss";
  }

  /**
   * Adds the save/restore ops {@code Session.save} would add ({@code Graph.saverDef()} is
   * package-private in TF Java 1.1.0), so that the checkpoint's ops are audited too.
   */
  static void addSaveOps(Graph graph) {
    try {
      Method saverDef = Graph.class.getDeclaredMethod("saverDef");
      saverDef.setAccessible(true);
      saverDef.invoke(graph);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot build the graph's save ops: this TF Java version"
              + " does not have Graph.saverDef() (written for 1.1.0)",
          e);
    }
  }
}
