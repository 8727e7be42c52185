package io.tfssl.bench;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetAllRegisteredKernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfssl.compute.NativeBuild;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;
import org.tensorflow.proto.NodeDef;

/**
 * The GPU kernels a TensorFlow build registers: for every op, the type constraints of each kernel
 * and the arguments it keeps in host memory ({@code HostMemory} in {@code
 * REGISTER_KERNEL_BUILDER}).
 *
 * <p>Two sources. {@link #live()} asks the loaded library ({@code TF_GetAllRegisteredKernels}, a
 * {@code KernelList} proto); only the GPU build ({@code -Pgpu}) has GPU kernels, and it lists them
 * on a machine without a GPU too. {@link #snapshot()} reads the copy of that list that {@code bench
 * gpu-audit --save-registry} wrote from the GPU build into the sources, so that the audit also runs
 * with the CPU build (normal CI).
 *
 * <p>Both keep the kernels of device {@code GPU} and {@code DEFAULT}: TF's kernel lookup ({@code
 * FindKernelRegistration}) falls back to a {@code DEVICE_DEFAULT} registration when no registration
 * for the device type matches, and that is how, for example, {@code CollectiveReduceV2} runs on a
 * GPU although no kernel of device {@code GPU} is listed.
 *
 * @param tfVersion the TensorFlow version the kernels were read from
 * @param provenance how they were read (live, or the snapshot's command and date)
 */
public record GpuKernels(String tfVersion, String provenance, Map<String, List<Kernel>> byOp) {

  /** The snapshot in the sources (written by {@code bench gpu-audit --save-registry}). */
  public static final String SNAPSHOT = "gpu-kernels.json.gz";

  /**
   * One kernel registration.
   *
   * @param device {@code GPU} or {@code DEFAULT}
   * @param constraints type attribute to the types this kernel accepts
   * @param hostMemory arguments (input or output names of the op) kept in host memory
   * @param label the kernel label ({@code _kernel} attribute) it needs, or empty
   */
  public record Kernel(
      String op,
      String device,
      Map<String, Set<String>> constraints,
      Set<String> hostMemory,
      String label) {}

  /** The kernels of the loaded TensorFlow library; it must be the GPU build. */
  public static GpuKernels live() {
    if (!NativeBuild.isGpu()) {
      throw new IllegalStateException(
          "the live GPU kernel registry needs the GPU build of "
              + "TensorFlow (mvn -Pgpu, TFSSL_GPU=1 ./tfssl); this is the "
              + NativeBuild.describe());
    }
    String version = TensorFlow.version();
    KernelList list;
    try (TF_Status status = TF_Status.newStatus()) {
      TF_Buffer buffer = TF_GetAllRegisteredKernels(status);
      status.throwExceptionIfNotOK();
      try {
        list = KernelList.parseFrom(buffer.dataAsByteBuffer());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot parse TensorFlow's kernel list", e);
      } finally {
        TF_DeleteBuffer(buffer);
      }
    }
    Map<String, List<Kernel>> byOp = new TreeMap<>();
    for (KernelDef k : list.getKernelList()) {
      if (k.getDeviceType().equals("GPU") || k.getDeviceType().equals("DEFAULT")) {
        Map<String, Set<String>> constraints = new TreeMap<>();
        for (KernelDef.AttrConstraint c : k.getConstraintList()) {
          Set<String> types = new TreeSet<>();
          c.getAllowedValues().getList().getTypeList().forEach(t -> types.add(t.name()));
          constraints.put(c.getName(), types);
        }
        byOp.computeIfAbsent(k.getOp(), o -> new ArrayList<>())
            .add(
                new Kernel(
                    k.getOp(),
                    k.getDeviceType(),
                    constraints,
                    new TreeSet<>(k.getHostMemoryArgList()),
                    k.getLabel()));
      }
    }
    return new GpuKernels(
        version,
        "live: TF_GetAllRegisteredKernels of the loaded "
            + NativeBuild.describe()
            + ", TensorFlow "
            + version,
        byOp);
  }

  /** The snapshot committed with the sources. */
  public static GpuKernels snapshot() {
    try (InputStream in = GpuKernels.class.getResourceAsStream(SNAPSHOT)) {
      if (in == null) {
        throw new IllegalStateException("no " + SNAPSHOT + " next to " + GpuKernels.class);
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SNAPSHOT, e);
    }
  }

  /** The live registry with the GPU build, else the snapshot. */
  public static GpuKernels auto() {
    return NativeBuild.isGpu() ? live() : snapshot();
  }

  /** Reads a gzipped snapshot. */
  static GpuKernels read(InputStream gz) throws IOException {
    JsonNode root = new ObjectMapper().readTree(new GZIPInputStream(gz));
    Map<String, List<Kernel>> byOp = new TreeMap<>();
    for (JsonNode k : root.get("kernels")) {
      Map<String, Set<String>> constraints = new TreeMap<>();
      k.get("constraints")
          .fields()
          .forEachRemaining(
              e -> {
                Set<String> types = new TreeSet<>();
                e.getValue().forEach(t -> types.add(t.asText()));
                constraints.put(e.getKey(), types);
              });
      Set<String> host = new TreeSet<>();
      k.get("host_memory").forEach(a -> host.add(a.asText()));
      String op = k.get("op").asText();
      byOp.computeIfAbsent(op, o -> new ArrayList<>())
          .add(
              new Kernel(op, k.get("device").asText(), constraints, host, k.get("label").asText()));
    }
    String provenance =
        "snapshot "
            + SNAPSHOT
            + " of TensorFlow "
            + root.get("tf_version").asText()
            + " ("
            + root.get("native_build").asText()
            + "), written "
            + root.get("date").asText()
            + " by `"
            + root.get("command").asText()
            + "`";
    return new GpuKernels(root.get("tf_version").asText(), provenance, byOp);
  }

  /** Writes these kernels as a gzipped snapshot, with where they came from. */
  public void write(Path file, String command) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("tf_version", tfVersion);
    root.put("native_build", NativeBuild.describe());
    root.put("command", command);
    root.put("date", Instant.now().toString());
    root.put(
        "note",
        "GPU and DEFAULT kernel registrations of TensorFlow's kernel registry "
            + "(TF_GetAllRegisteredKernels): op, device, type constraints, HostMemory arguments");
    ArrayNode kernels = root.putArray("kernels");
    for (List<Kernel> ks : byOp.values()) {
      for (Kernel k : ks) {
        ObjectNode n = kernels.addObject();
        n.put("op", k.op());
        n.put("device", k.device());
        ObjectNode c = n.putObject("constraints");
        k.constraints().forEach((attr, types) -> types.forEach(c.withArray(attr)::add));
        ArrayNode host = n.putArray("host_memory");
        k.hostMemory().forEach(host::add);
        n.put("label", k.label());
      }
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        json.writeValue(out, root);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * The kernel TF would pick for {@code node} on a GPU: a {@code GPU} registration whose type
   * constraints the node's attributes satisfy, else a matching {@code DEFAULT} one, else empty
   * (TF's placer then puts the node on the CPU). Registrations with a label match only a node that
   * asks for that label.
   */
  public Optional<Kernel> forNode(NodeDef node) {
    List<Kernel> kernels = byOp.getOrDefault(node.getOp(), List.of());
    String label =
        node.getAttrMap().containsKey("_kernel")
            ? node.getAttrMap().get("_kernel").getS().toStringUtf8()
            : "";
    for (String device : List.of("GPU", "DEFAULT")) {
      for (Kernel k : kernels) {
        if (k.device().equals(device) && k.label().equals(label) && matches(k, node)) {
          return Optional.of(k);
        }
      }
    }
    return Optional.empty();
  }

  /** Every type a constrained attribute of the node has is one the kernel allows. */
  private static boolean matches(Kernel k, NodeDef node) {
    for (Map.Entry<String, Set<String>> c : k.constraints().entrySet()) {
      AttrValue value = node.getAttrMap().get(c.getKey());
      if (value == null) {
        // TF fills default attributes in every node it builds; an attribute still missing
        // cannot be checked, and TF's own check would reject the kernel.
        return false;
      }
      List<DataType> types =
          value.hasList() ? value.getList().getTypeList() : List.of(value.getType());
      for (DataType t : types) {
        if (!c.getValue().contains(t.name())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The number of kernel registrations, per device ({@code GPU}, {@code DEFAULT}). */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    byOp.values().forEach(ks -> ks.forEach(k -> counts.merge(k.device(), 1, Integer::sum)));
    return counts;
  }
}
