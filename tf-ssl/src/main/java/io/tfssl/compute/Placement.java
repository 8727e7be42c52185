package io.tfssl.compute;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where the ops of one step ran and in which precision, read from the graphs TensorFlow really
 * executed: with {@link #RUN_OPTIONS} ({@code output_partition_graphs}), {@code RunMetadata} holds
 * one {@code GraphDef} per device after Grappler's rewrites (mixed precision, oneDNN layout) and
 * placement, each node with its device. Nothing is inferred from our own graph.
 *
 * @param convByDevice convolution ops (forward and both gradients, any kernel variant: Conv2D,
 *     _MklNativeConv2D, _FusedConv2D, ...) per device ({@code GPU:0}, {@code CPU:0})
 * @param augmentByDevice ops of the in-graph augmentation ({@code view*} name scopes, and {@code
 *     tower_<t>/view*} of towers) per device
 * @param matrixOps convolution and matrix-multiplication ops of the step
 * @param lowPrecisionMatrixOps those of them that compute in {@code lowType}
 * @param lowType the 16-bit type looked for ({@code DT_HALF}, {@code DT_BFLOAT16}), or null
 */
public record Placement(
    Map<String, Integer> convByDevice,
    Map<String, Integer> augmentByDevice,
    int matrixOps,
    int lowPrecisionMatrixOps,
    String lowType) {

  /** A tower's augmentation scope ({@code tower_1/view2/...}); tower 0's is {@code view*}. */
  private static final Pattern TOWER_VIEW = Pattern.compile("tower_\\d+/view");

  /** Run options that make {@code Session.Runner.runAndFetchMetadata} return the graphs. */
  public static final RunOptions RUN_OPTIONS =
      RunOptions.newBuilder().setOutputPartitionGraphs(true).build();

  /** Counts the ops of the partition graphs in {@code metadata}. */
  public static Placement of(RunMetadata metadata, Precision precision) {
    Map<String, Integer> conv = new TreeMap<>();
    Map<String, Integer> augment = new TreeMap<>();
    int matrix = 0;
    int low = 0;
    String lowType = precision.tfType();
    for (GraphDef graph : metadata.getPartitionGraphsList()) {
      for (NodeDef node : graph.getNodeList()) {
        String device = shortDevice(node.getDevice());
        String op = node.getOp();
        boolean isConv = op.contains("Conv2D");
        if (isConv) {
          conv.merge(device, 1, Integer::sum);
        }
        if (node.getName().startsWith("view") || TOWER_VIEW.matcher(node.getName()).lookingAt()) {
          augment.merge(device, 1, Integer::sum);
        }
        if (isConv || op.contains("MatMul")) {
          matrix++;
          AttrValue t = node.getAttrMap().get("T");
          if (lowType != null && t != null && t.getType() == DataType.valueOf(lowType)) {
            low++;
          }
        }
      }
    }
    return new Placement(conv, augment, matrix, low, lowType);
  }

  /** Convolution ops that ran on {@code device} ({@code GPU:0}). */
  public int convOn(String device) {
    return convByDevice.getOrDefault(device, 0);
  }

  /**
   * One line: {@code placement: convolutions GPU:0 54; augmentation GPU:0 80, CPU:0 6; DT_HALF in
   * 60 of 62 conv/matmul ops}.
   */
  public String describe() {
    String s =
        "placement: convolutions "
            + counts(convByDevice)
            + "; augmentation "
            + counts(augmentByDevice);
    if (lowType != null) {
      s +=
          "; " + lowType + " in " + lowPrecisionMatrixOps + " of " + matrixOps + " conv/matmul ops";
    }
    return s;
  }

  /** {@link #check(ComputeSetup, int)} for a run with one tower. */
  public void check(ComputeSetup setup) {
    check(setup, 1);
  }

  /**
   * Throws when the step did not run as {@code setup} asked: no op rewritten to the requested
   * 16-bit type (the step then ran in float32), or, in a GPU run, a convolution anywhere but on the
   * GPU; with {@code towers} > 1, anywhere but on GPU:0 .. GPU:towers−1, or a tower's GPU without
   * any (its tower ran elsewhere).
   */
  public void check(ComputeSetup setup, int towers) {
    if (lowType != null && matrixOps > 0 && lowPrecisionMatrixOps == 0) {
      throw new IllegalStateException(
          "--precision "
              + setup.precision().cli()
              + " was asked "
              + "for, but TensorFlow's rewriter converted none of the "
              + matrixOps
              + " conv/matmul "
              + "ops to "
              + lowType
              + ", so the step ran in float32. "
              + (setup.onGpu()
                  ? "fp16 needs a GPU of compute capability 7.0 or newer."
                  : "On the CPU the bfloat16 rewriter needs TF_ENABLE_ONEDNN_OPTS=1."));
    }
    if (!setup.onGpu()) {
      return;
    }
    Set<String> targets = new TreeSet<>();
    if (towers == 1) {
      targets.add(setup.trainingDevice());
    } else {
      for (int t = 0; t < towers; t++) {
        targets.add("GPU:" + t);
      }
    }
    boolean elsewhere = convByDevice.keySet().stream().anyMatch(d -> !targets.contains(d));
    boolean idle = towers > 1 && targets.stream().anyMatch(d -> convOn(d) == 0);
    if (elsewhere || idle) {
      throw new IllegalStateException(
          "training was to run on "
              + String.join(", ", targets)
              + ", but TensorFlow placed the convolutions on "
              + counts(convByDevice));
    }
  }

  private static String counts(Map<String, Integer> byDevice) {
    if (byDevice.isEmpty()) {
      return "none";
    }
    return byDevice.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** {@code /job:localhost/replica:0/task:0/device:GPU:0} to {@code GPU:0}. */
  static String shortDevice(String device) {
    int i = device.lastIndexOf("device:");
    return i < 0 ? (device.isEmpty() ? "?" : device) : device.substring(i + "device:".length());
  }
}
