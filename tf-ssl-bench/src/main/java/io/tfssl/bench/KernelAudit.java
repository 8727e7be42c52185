package io.tfssl.bench;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetAllOpList;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.OpList;

/**
 * Which ops of a graph TensorFlow's placer would put on the CPU when the session has a GPU, and
 * what that costs: read from the graph and a {@link GpuKernels} registry, without a GPU.
 *
 * <p>The rules, as TF 2.18's placer and executor apply them:
 *
 * <ol>
 *   <li>A node can go on the GPU when a GPU kernel (or a {@code DEFAULT} one) accepts its type
 *       attributes ({@link GpuKernels#forNode}); otherwise it goes on the CPU.
 *   <li>Nodes joined by a reference edge (an input declared {@code Ref(...)}: a {@code VariableV2}
 *       and its {@code Assign}, {@code ApplyMomentum}, ...) or by a {@code _class} colocation
 *       attribute are placed together: one member without a GPU kernel takes the whole group to the
 *       CPU.
 *   <li>On a GPU, an argument lives in host memory when its kernel declares it {@code HostMemory},
 *       or its type is int32, string or resource ({@code MTypeFromDType} in TF's {@code
 *       memory_types.cc}): int32 shape and index arithmetic stays on the host even for GPU ops, and
 *       costs no copy.
 *   <li>A copy happens on an edge between a CPU node and a GPU node's device-memory argument: one
 *       per tensor and direction per step. Its bytes are the tensor's static shape with each
 *       unknown dimension taken as the batch size.
 * </ol>
 *
 * A node is on the step path (the step's critical path) when the step's fetches and targets depend
 * on it (data or control); it runs on log steps only when just the monitors fetched on log steps
 * need it; what runs every k steps (checkpoints, the kNN monitor) or once (initializers) is
 * neither.
 *
 * <p>What this cannot see: Grappler's rewrites before placement (constant folding may remove a CPU
 * node; the fp16 rewrite changes types), and soft placement of ops a user pinned. On a GPU, the
 * placement line of {@code pretrain} (read from the graphs TF really ran) is the check.
 */
public final class KernelAudit {
  private KernelAudit() {}

  /** How often a node runs in training. */
  public enum Runs {
    EVERY_STEP("every step"),
    LOG_STEPS("log steps only"),
    NOT_PER_STEP("not per step");

    private final String label;

    Runs(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * One node the placer would put on the CPU.
   *
   * @param node the node's name
   * @param op its op type
   * @param types its type attributes ({@code T=DT_UINT8})
   * @param source the part of the step it belongs to (a function of the node's name)
   * @param runs how often it runs
   * @param cpu whether it runs on the CPU (else: a GPU node whose kernel keeps an argument in host
   *     memory that its neighbour has in device memory)
   * @param reason why it is on the CPU, or which argument is in host memory
   * @param bytesPerStep bytes copied between host and GPU each time it runs because it is on the
   *     CPU (−1: a shape was unknown)
   * @param copies the copied tensors, {@code name dtype[shape] direction}
   */
  public record Finding(
      String node,
      String op,
      String types,
      String source,
      Runs runs,
      boolean cpu,
      String reason,
      long bytesPerStep,
      List<String> copies) {

    /** Whether every step runs it: the step's critical path. */
    public boolean stepPath() {
      return runs == Runs.EVERY_STEP;
    }

    /** A CPU node that every step runs. */
    public boolean cpuOnStepPath() {
      return cpu && stepPath();
    }
  }

  /**
   * The roots of a training graph's paths.
   *
   * @param step what every step fetches and targets
   * @param log what log steps fetch in addition (the monitors)
   * @param fed placeholders fed from the host (their copy is the intended input)
   */
  public record Roots(Collection<String> step, Collection<String> log, Collection<String> fed) {}

  /** How often each node of {@code def} runs, given the graph's {@code roots}. */
  static Map<String, Runs> runs(GraphDef def, Roots roots) {
    Set<String> step = stepPath(def, roots.step());
    Set<String> log = stepPath(def, roots.log());
    Map<String, Runs> runs = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      runs.put(
          n.getName(),
          step.contains(n.getName())
              ? Runs.EVERY_STEP
              : log.contains(n.getName()) ? Runs.LOG_STEPS : Runs.NOT_PER_STEP);
    }
    return runs;
  }

  private static Map<String, OpDef> opDefs;

  /** Every op TF knows, by name (TF_GetAllOpList). */
  static synchronized Map<String, OpDef> opDefs() {
    if (opDefs == null) {
      TensorFlow.version();
      TF_Buffer buffer = TF_GetAllOpList();
      try {
        Map<String, OpDef> map = new HashMap<>();
        for (OpDef d : OpList.parseFrom(buffer.dataAsByteBuffer()).getOpList()) {
          map.put(d.getName(), d);
        }
        opDefs = map;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot parse TensorFlow's op list", e);
      } finally {
        TF_DeleteBuffer(buffer);
      }
    }
    return opDefs;
  }

  /**
   * The nodes of {@code graph} a GPU session would run on the CPU.
   *
   * @param roots names of the ops the steps fetch or target and of the fed placeholders
   * @param batch the batch size unknown dimensions stand for
   * @param source names the part of the graph a node belongs to
   */
  public static List<Finding> audit(
      Graph graph, GpuKernels kernels, Roots roots, long batch, Function<String, String> source) {
    GraphDef def = graph.toGraphDef();
    Collection<String> fed = roots.fed();
    Map<String, NodeDef> nodes = new LinkedHashMap<>();
    def.getNodeList().forEach(n -> nodes.put(n.getName(), n));
    Map<String, Optional<GpuKernels.Kernel>> kernel = new HashMap<>();
    nodes.forEach((name, n) -> kernel.put(name, kernels.forNode(n)));

    // Colocation groups: reference edges and _class attributes.
    Map<String, String> parent = new HashMap<>();
    for (NodeDef n : nodes.values()) {
      OpDef op = opDefs().get(n.getOp());
      List<Arg> ins = op == null ? List.of() : args(op.getInputArgList(), n);
      for (int i = 0; i < n.getInputCount(); i++) {
        String in = n.getInput(i);
        if (in.startsWith("^")) {
          continue;
        }
        if (i < ins.size() && ins.get(i).ref()) {
          union(parent, n.getName(), nodeName(in));
        }
      }
      AttrValue cls = n.getAttrMap().get("_class");
      if (cls != null) {
        for (var s : cls.getList().getSList()) {
          String loc = s.toStringUtf8();
          if (loc.startsWith("loc:@") && nodes.containsKey(loc.substring(5))) {
            union(parent, n.getName(), loc.substring(5));
          }
        }
      }
    }
    Map<String, String> groupWithoutKernel = new HashMap<>();
    for (String name : nodes.keySet()) {
      if (kernel.get(name).isEmpty()) {
        groupWithoutKernel.putIfAbsent(find(parent, name), name);
      }
    }
    Map<String, String> cpuReason = new LinkedHashMap<>();
    for (NodeDef n : nodes.values()) {
      if (kernel.get(n.getName()).isEmpty()) {
        cpuReason.put(n.getName(), "no GPU kernel for " + typeAttrs(n));
      } else {
        String culprit = groupWithoutKernel.get(find(parent, n.getName()));
        if (culprit != null) {
          cpuReason.put(
              n.getName(),
              "colocated with " + culprit + " (" + nodes.get(culprit).getOp() + ", no GPU kernel)");
        }
      }
    }

    Map<String, Runs> runs = runs(def, roots);
    // Every data edge whose two ends are in different memories is one copy per run: from a CPU
    // node to a GPU node's device-memory input, from a GPU node's device-memory output to a CPU
    // node, or between two GPU nodes when one kernel keeps that argument in host memory
    // (HostMemory). The copy is charged to the CPU node, else to the host-memory side.
    Map<String, Charge> charges = new LinkedHashMap<>();
    cpuReason.forEach((name, reason) -> charges.put(name, new Charge(true, reason)));
    for (NodeDef c : nodes.values()) {
      for (int input = 0; input < c.getInputCount(); input++) {
        final int j = input;
        String in = c.getInput(j);
        String p = nodeName(in);
        if (in.startsWith("^") || fed.contains(p) || !nodes.containsKey(p)) {
          continue;
        }
        final int i = outputIndex(in);
        boolean pCpu = cpuReason.containsKey(p);
        boolean cCpu = cpuReason.containsKey(c.getName());
        boolean pDevice = !pCpu && onDevice(nodes.get(p), kernel.get(p), i, false);
        boolean cDevice = !cCpu && onDevice(c, kernel.get(c.getName()), j, true);
        if (pDevice == cDevice) {
          continue;
        }
        String owner;
        if (pCpu || cCpu) {
          owner = pCpu ? p : c.getName();
        } else if (pDevice) {
          owner = c.getName();
          charges.computeIfAbsent(
              owner,
              k ->
                  new Charge(
                      false,
                      "on the GPU; its kernel reads input '"
                          + argName(c, j, true)
                          + "' from host memory"));
        } else {
          owner = p;
          charges.computeIfAbsent(
              owner,
              k ->
                  new Charge(
                      false,
                      "on the GPU; its kernel writes output '"
                          + argName(nodes.get(p), i, false)
                          + "' to host memory"));
        }
        Output<?> out = graph.operation(p).output(i);
        charges
            .get(owner)
            .add(describe(out) + (pDevice ? " GPU->CPU" : " CPU->GPU"), bytes(out, batch));
      }
    }

    List<Finding> findings = new ArrayList<>();
    charges.forEach(
        (name, charge) -> {
          NodeDef n = nodes.get(name);
          findings.add(
              new Finding(
                  name,
                  n.getOp(),
                  typeAttrs(n),
                  source.apply(name),
                  runs.get(name),
                  charge.cpu,
                  charge.reason,
                  charge.unknown ? -1 : charge.bytes,
                  List.copyOf(charge.copies)));
        });
    return findings;
  }

  /** The copies charged to one node, each tensor and direction once. */
  private static final class Charge {
    final boolean cpu;
    final String reason;
    final Set<String> copies = new TreeSet<>();
    long bytes;
    boolean unknown;

    Charge(boolean cpu, String reason) {
      this.cpu = cpu;
      this.reason = reason;
    }

    void add(String copy, long b) {
      if (copies.add(copy)) {
        unknown |= b < 0;
        bytes += Math.max(b, 0);
      }
    }
  }

  /** The name of argument {@code index} (an input when {@code input}) in the op's definition. */
  private static String argName(NodeDef n, int index, boolean input) {
    OpDef op = opDefs().get(n.getOp());
    List<Arg> args =
        op == null ? List.of() : args(input ? op.getInputArgList() : op.getOutputArgList(), n);
    return index < args.size() ? args.get(index).name() : "#" + index;
  }

  private record Arg(String name, DataType type, boolean ref) {}

  /**
   * Whether argument {@code index} (an input when {@code input}, else an output) of a GPU node is
   * in device memory.
   */
  private static boolean onDevice(
      NodeDef n, Optional<GpuKernels.Kernel> kernel, int index, boolean input) {
    OpDef op = opDefs().get(n.getOp());
    if (op == null || kernel.isEmpty()) {
      return false;
    }
    List<Arg> args = args(input ? op.getInputArgList() : op.getOutputArgList(), n);
    if (index >= args.size()) {
      return true;
    }
    Arg a = args.get(index);
    if (kernel.get().hostMemory().contains(a.name())) {
      return false;
    }
    DataType t = a.type();
    return !(t == DataType.DT_INT32
        || t == DataType.DT_INT32_REF
        || t == DataType.DT_STRING
        || t == DataType.DT_STRING_REF
        || t == DataType.DT_RESOURCE);
  }

  /** The op's arguments expanded to one entry per tensor, with their types for this node. */
  private static List<Arg> args(List<OpDef.ArgDef> defs, NodeDef n) {
    List<Arg> args = new ArrayList<>();
    for (OpDef.ArgDef d : defs) {
      if (!d.getTypeListAttr().isEmpty()) {
        AttrValue list = n.getAttrMap().get(d.getTypeListAttr());
        if (list != null) {
          list.getList()
              .getTypeList()
              .forEach(t -> args.add(new Arg(d.getName(), t, d.getIsRef())));
        }
        continue;
      }
      DataType t =
          d.getType() != DataType.DT_INVALID
              ? d.getType()
              : n.getAttrMap().containsKey(d.getTypeAttr())
                  ? n.getAttrMap().get(d.getTypeAttr()).getType()
                  : DataType.DT_INVALID;
      long count =
          d.getNumberAttr().isEmpty()
              ? 1
              : n.getAttrMap().containsKey(d.getNumberAttr())
                  ? n.getAttrMap().get(d.getNumberAttr()).getI()
                  : 1;
      for (long i = 0; i < count; i++) {
        args.add(new Arg(d.getName(), t, d.getIsRef()));
      }
    }
    return args;
  }

  /** The nodes {@code roots} depend on, through data and control inputs, roots included. */
  static Set<String> stepPath(GraphDef def, Collection<String> roots) {
    Map<String, NodeDef> nodes = new HashMap<>();
    def.getNodeList().forEach(n -> nodes.put(n.getName(), n));
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (nodes.containsKey(name) && seen.add(name)) {
        for (String in : nodes.get(name).getInputList()) {
          todo.push(nodeName(in));
        }
      }
    }
    return seen;
  }

  /** {@code T=DT_UINT8} for each type attribute (and list of types) of the node. */
  static String typeAttrs(NodeDef n) {
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(n.getAttrMap())
        .forEach(
            (k, v) -> {
              if (k.startsWith("_")) {
                return;
              }
              if (v.getValueCase() == AttrValue.ValueCase.TYPE) {
                parts.add(k + "=" + v.getType().name());
              } else if (v.hasList() && v.getList().getTypeCount() > 0) {
                parts.add(
                    k + "=" + v.getList().getTypeList().stream().map(DataType::name).toList());
              }
            });
    return parts.isEmpty() ? "(no type attribute)" : String.join(", ", parts);
  }

  /** {@code online/x:0 DT_FLOAT[-1, 4]}; {@code [?]} for an unknown rank. */
  private static String describe(Output<?> out) {
    Shape s = out.shape();
    return out.op().name()
        + ":"
        + out.index()
        + " "
        + out.dataType().name()
        + (s == null || s.isUnknown() ? "[?]" : s.toString());
  }

  /** The tensor's bytes with unknown dimensions set to {@code batch}; −1 for unknown rank. */
  static long bytes(Output<?> out, long batch) {
    Shape s = out.shape();
    if (s == null || s.isUnknown()) {
      return -1;
    }
    long n = 1;
    for (int i = 0; i < s.numDimensions(); i++) {
      long d = s.get(i);
      n *= d < 0 ? batch : d;
    }
    return n * elementBytes(out.dataType());
  }

  /** Bytes per element; a reference type ({@code DT_FLOAT_REF}: a variable) as its base type. */
  static int elementBytes(DataType type) {
    DataType t = type.getNumber() > 100 ? DataType.forNumber(type.getNumber() - 100) : type;
    return switch (t) {
      case DT_BOOL, DT_UINT8, DT_INT8 -> 1;
      case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16 -> 2;
      case DT_FLOAT, DT_INT32, DT_UINT32 -> 4;
      default -> 8;
    };
  }

  private static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  private static int outputIndex(String input) {
    int colon = input.indexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
  }

  private static String find(Map<String, String> parent, String x) {
    String p = parent.getOrDefault(x, x);
    if (p.equals(x)) {
      return x;
    }
    String root = find(parent, p);
    parent.put(x, root);
    return root;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra, rb);
    }
  }
}
