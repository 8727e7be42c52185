package io.tfssl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.bench.KernelAudit.Finding;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The kernel audit against the GPU build's kernel registry: the live one under {@code -Pgpu}, else
 * the snapshot in the sources (so that it runs in the CPU build's CI).
 */
class GpuAuditTest {
  private static final GpuKernels KERNELS = GpuKernels.auto();

  /**
   * The step of every method with the small encoder, and its inference graph, have no CPU node on
   * the step path that is not justified; the crop runs on the GPU and the rank monitor's SVD too,
   * on log steps only.
   */
  @Test
  void smallGraphsHaveNoUnjustifiedCpuNodeOnTheStepPath() {
    for (String method : List.of("simsiam", "byol", "simclr", "mocov2", "swav")) {
      List<GpuAudit.GraphAudit> audits = GpuAudit.audit(method, "small", 8, KERNELS);
      assertEquals(
          List.of("training", "inference"),
          audits.stream().map(GpuAudit.GraphAudit::graph).toList());
      for (GpuAudit.GraphAudit a : audits) {
        assertEquals(List.of(), a.unjustified(), method + " " + a.graph());
      }
      List<GpuAudit.Watched> watched = audits.get(0).watched();
      assertTrue(
          watched.contains(
              new GpuAudit.Watched(
                  "CropAndResize",
                  "T=DT_FLOAT",
                  "augmentation",
                  KernelAudit.Runs.EVERY_STEP,
                  "GPU")),
          method + ": " + watched);
      assertTrue(
          watched.contains(
              new GpuAudit.Watched(
                  "Svd", "T=DT_FLOAT", "monitor", KernelAudit.Runs.LOG_STEPS, "GPU")),
          method + ": " + watched);
    }
  }

  /**
   * Two towers as {@code pretrain --towers 2 --communication nccl --sync-bn} build them: no
   * unjustified CPU node (the host-side split of the fed batch is the intended input copy), and
   * every all-reduce of the step gets the DEFAULT-device kernel TF falls back to on a GPU.
   */
  @Test
  void twoTowersHaveNoUnjustifiedCpuNodeAndTheirAllReducesRunOnTheGpus() {
    GpuAudit.GraphAudit towers = GpuAudit.audit("simsiam", "small", 8, KERNELS, 2).get(1);
    assertTrue(towers.graph().contains("2 towers"), towers.graph());
    assertEquals(List.of(), towers.unjustified());
    assertTrue(
        towers.cpuOnStepPath().stream().anyMatch(f -> f.op().equals("Split")),
        towers.cpuOnStepPath().toString());
    List<GpuAudit.Watched> reduces =
        towers.watched().stream()
            .filter(
                w -> w.op().equals("CollectiveReduceV2") && w.runs() == KernelAudit.Runs.EVERY_STEP)
            .toList();
    assertFalse(reduces.isEmpty(), towers.watched().toString());
    reduces.forEach(w -> assertEquals("DEFAULT", w.kernel(), w.toString()));
  }

  /**
   * A uint8 crop on the step path (what the augmenter did before it cast first) is flagged: on the
   * CPU, unjustified, and charged the two copies it causes, counted by hand: the float boxes
   * computed on the GPU go to the host (2 boxes × 4 × 4 bytes) and the 2 × 14 × 14 float crops come
   * back (2 × 14 × 14 × 4 bytes). The uint8 batch is fed, the box indices and the crop size are
   * int32 (host memory): none of them is a copy.
   */
  @Test
  void flagsAUint8CropOnTheStepPath() {
    try (Graph graph = new Graph()) {
      Operand<TFloat32> out = crop(graph, false);
      GpuAudit.GraphAudit a = audit(graph, out);
      List<Finding> cpu = a.cpuOnStepPath();
      assertEquals(1, cpu.size(), cpu.toString());
      Finding f = cpu.get(0);
      assertEquals("CropAndResize", f.op());
      assertEquals("T=DT_UINT8", f.types());
      assertEquals("no GPU kernel for T=DT_UINT8", f.reason());
      assertEquals(2 * 4 * 4 + 2 * 14 * 14 * 4, f.bytesPerStep(), f.copies().toString());
      assertEquals(List.of(f), a.unjustified());
    }
  }

  /** The same crop of the batch cast to float first is on the GPU: nothing to flag. */
  @Test
  void theCropOfTheCastBatchIsNotFlagged() {
    try (Graph graph = new Graph()) {
      Operand<TFloat32> out = crop(graph, true);
      GpuAudit.GraphAudit a = audit(graph, out);
      assertEquals(List.of(), a.cpuOnStepPath());
      assertEquals(List.of(), a.unjustified());
    }
  }

  /**
   * The registry is the GPU build's: GPU kernels for float MatMul and Conv2D; CropAndResize's for
   * float, half and double only; the collectives' V2 all-reduce registered for the DEFAULT device
   * (TF's collective_ops.cc), with the group size and keys in host memory.
   */
  @Test
  void theRegistryIsTheGpuBuilds() {
    assertTrue(types(KERNELS, "MatMul", "GPU").contains("DT_FLOAT"));
    assertTrue(types(KERNELS, "Conv2D", "GPU").contains("DT_FLOAT"));
    assertEquals(
        Set.of("DT_FLOAT", "DT_HALF", "DT_DOUBLE"), types(KERNELS, "CropAndResize", "GPU"));
    List<GpuKernels.Kernel> reduce = KERNELS.byOp().get("CollectiveReduceV2");
    assertEquals(List.of("DEFAULT"), reduce.stream().map(GpuKernels.Kernel::device).toList());
    assertEquals(Set.of("group_size", "group_key", "instance_key"), reduce.get(0).hostMemory());
    assertFalse(KERNELS.tfVersion().isBlank());
  }

  /** A variable's tensor ({@code DT_FLOAT_REF}) has 4-byte elements, as its value. */
  @Test
  void referenceTypesCountAsTheirValueType() {
    assertEquals(4, KernelAudit.elementBytes(DataType.DT_FLOAT_REF));
    assertEquals(8, KernelAudit.elementBytes(DataType.DT_INT64_REF));
    assertEquals(1, KernelAudit.elementBytes(DataType.DT_UINT8));
  }

  /** Two 14×14 crops of a fed 28×28 uint8 batch, boxes computed in the graph, then doubled. */
  private static Operand<TFloat32> crop(Graph graph, boolean castFirst) {
    Ops tf = Ops.create(graph);
    Placeholder<TUint8> images =
        tf.withName("images").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
    Operand<TFloat32> boxes =
        tf.math.mul(
            tf.constant(new float[][] {{0, 0, 1, 1}, {0.25f, 0.25f, 0.75f, 0.75f}}),
            tf.constant(1f));
    Operand<TFloat32> crops =
        tf.image.cropAndResize(
            castFirst ? tf.dtypes.cast(images, TFloat32.class) : images,
            boxes,
            tf.constant(new int[] {0, 0}),
            tf.constant(new int[] {14, 14}));
    return tf.withName("out").math.mul(crops, tf.constant(2f));
  }

  private static GpuAudit.GraphAudit audit(Graph graph, Operand<TFloat32> out) {
    KernelAudit.Roots roots =
        new KernelAudit.Roots(List.of(out.op().name()), List.of(), List.of("images"));
    return GpuAudit.audit("test", "none", "training", graph, KERNELS, roots, 5, 0);
  }

  private static Set<String> types(GpuKernels kernels, String op, String device) {
    return kernels.byOp().get(op).stream()
        .filter(k -> k.device().equals(device))
        .flatMap(k -> k.constraints().get("T").stream())
        .collect(java.util.stream.Collectors.toSet());
  }
}
