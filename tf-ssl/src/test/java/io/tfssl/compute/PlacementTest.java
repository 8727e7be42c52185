package io.tfssl.compute;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;

/**
 * The placement check on hand-made partition graphs, as TF returns them from a GPU run (the real
 * CPU case is covered by the training tests).
 */
class PlacementTest {
  private static final String GPU = "/job:localhost/replica:0/task:0/device:GPU:0";
  private static final String CPU = "/job:localhost/replica:0/task:0/device:CPU:0";

  private static NodeDef node(String name, String op, String device, DataType t) {
    return NodeDef.newBuilder()
        .setName(name)
        .setOp(op)
        .setDevice(device)
        .putAttr("T", AttrValue.newBuilder().setType(t).build())
        .build();
  }

  private static RunMetadata metadata(NodeDef... nodes) {
    RunMetadata.Builder m = RunMetadata.newBuilder();
    m.addPartitionGraphs(GraphDef.newBuilder().addAllNode(List.of(nodes)));
    return m.build();
  }

  private static ComputeSetup gpuRun(Precision p) {
    return new ComputeSetup(
        Device.GPU,
        p,
        List.of(new TfDevice(CPU, "CPU", 1L << 28), new TfDevice(GPU, "GPU", 80L << 30)),
        true,
        ConfigProto.getDefaultInstance());
  }

  @Test
  void countsConvolutionsPerDeviceAndSixteenBitOps() {
    Placement p =
        Placement.of(
            metadata(
                node("online/conv1/Conv2D", "Conv2D", GPU, DataType.DT_HALF),
                node(
                    "gradients/conv1/Conv2DBackpropFilter",
                    "Conv2DBackpropFilter",
                    GPU,
                    DataType.DT_HALF),
                node("online/head/MatMul", "MatMul", GPU, DataType.DT_FLOAT),
                node("view1/crop/CropAndResize", "CropAndResize", GPU, DataType.DT_UINT8),
                node(
                    "view1/box/StatelessSampleDistortedBoundingBox",
                    "StatelessSampleDistortedBoundingBox",
                    CPU,
                    DataType.DT_UINT8)),
            Precision.FP16);
    assertEquals(Map.of("GPU:0", 2), p.convByDevice());
    assertEquals(Map.of("GPU:0", 1, "CPU:0", 1), p.augmentByDevice());
    assertEquals(3, p.matrixOps());
    assertEquals(2, p.lowPrecisionMatrixOps());
    assertEquals(
        "placement: convolutions GPU:0 2; augmentation CPU:0 1, GPU:0 1; DT_HALF in 2 of"
            + " 3 conv/matmul ops",
        p.describe());
    assertDoesNotThrow(() -> p.check(gpuRun(Precision.FP16)));
  }

  @Test
  void aConvolutionOffTheGpuFailsAGpuRun() {
    Placement p =
        Placement.of(
            metadata(
                node("online/conv1/Conv2D", "Conv2D", GPU, DataType.DT_FLOAT),
                node("online/conv2/Conv2D", "_MklNativeConv2D", CPU, DataType.DT_FLOAT)),
            Precision.FP32);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> p.check(gpuRun(Precision.FP32)));
    assertTrue(e.getMessage().contains("CPU:0 1, GPU:0 1"), e.getMessage());
  }

  /** Towers: every tower's GPU must run convolutions, and no other device any. */
  @Test
  void towersNeedTheirConvolutionsOnTheirOwnGpus() {
    String gpu1 = GPU.replace("GPU:0", "GPU:1");
    Placement both =
        Placement.of(
            metadata(
                node("online/conv1/Conv2D", "Conv2D", GPU, DataType.DT_FLOAT),
                node("tower_1/online/conv1/Conv2D", "Conv2D", gpu1, DataType.DT_FLOAT)),
            Precision.FP32);
    assertDoesNotThrow(() -> both.check(gpuRun(Precision.FP32), 2));
    assertThrows(
        IllegalStateException.class,
        () -> both.check(gpuRun(Precision.FP32)),
        "one tower: GPU:1 is not the training device");
    Placement oneGpu =
        Placement.of(
            metadata(
                node("online/conv1/Conv2D", "Conv2D", GPU, DataType.DT_FLOAT),
                node("tower_1/online/conv1/Conv2D", "Conv2D", GPU, DataType.DT_FLOAT)),
            Precision.FP32);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> oneGpu.check(gpuRun(Precision.FP32), 2));
    assertTrue(
        e.getMessage()
            .contains("GPU:0, GPU:1, but TensorFlow placed the convolutions on" + " GPU:0 2"),
        e.getMessage());
  }

  @Test
  void aRewriteThatConvertedNothingFails() {
    Placement p =
        Placement.of(
            metadata(node("online/conv1/Conv2D", "Conv2D", GPU, DataType.DT_FLOAT)),
            Precision.FP16);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> p.check(gpuRun(Precision.FP16)));
    assertTrue(
        e.getMessage().contains("converted none of the 1 conv/matmul ops to DT_HALF"),
        e.getMessage());
    assertTrue(e.getMessage().contains("compute capability 7.0"), e.getMessage());
  }
}
