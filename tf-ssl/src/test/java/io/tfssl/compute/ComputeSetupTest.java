package io.tfssl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/** Device listing and the device/precision checks, on the machine the tests run on. */
class ComputeSetupTest {
  private static final ConfigProto BASE = SessionConfigs.training(2);

  private static boolean gpuVisible() {
    return TfDevices.visible(BASE).stream().anyMatch(TfDevice::isGpu);
  }

  @Test
  void tfListsItsCpu() {
    List<TfDevice> devices = TfDevices.visible(BASE);
    assertTrue(
        devices.stream()
            .anyMatch(
                d ->
                    d.type().equals("CPU")
                        && d.name().endsWith("/device:CPU:0")
                        && d.shortName().equals("CPU:0")),
        devices.toString());
  }

  @Test
  void cpuHidesEveryGpu() {
    ComputeSetup cpu = ComputeSetup.resolve(Device.CPU, Precision.FP32, BASE);
    assertEquals(0, cpu.sessionConfig().getDeviceCountOrThrow("GPU"));
    assertFalse(cpu.onGpu());
    assertEquals("CPU:0", cpu.trainingDevice());
    assertTrue(cpu.devices().stream().noneMatch(TfDevice::isGpu), cpu.devices().toString());
    assertTrue(cpu.describe().contains("training on CPU:0"), cpu.describe());
    // The thread bounds of the base config are kept.
    assertEquals(2, cpu.sessionConfig().getIntraOpParallelismThreads());
  }

  @Test
  void gpuWithoutAGpuIsAClearError() {
    Assumptions.assumeFalse(gpuVisible(), "this machine has a GPU");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ComputeSetup.resolve(Device.GPU, Precision.FP32, BASE));
    assertTrue(
        e.getMessage().startsWith("--device gpu: TensorFlow sees no GPU (devices: CPU:0)"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains(NativeBuild.isGpu() ? "LD_LIBRARY_PATH" : "mvn -Pgpu"),
        e.getMessage());
  }

  @Test
  void autoFallsBackToTheCpuWithoutAGpu() {
    Assumptions.assumeFalse(gpuVisible(), "this machine has a GPU");
    ComputeSetup auto = ComputeSetup.resolve(Device.AUTO, Precision.FP32, BASE);
    assertFalse(auto.onGpu());
    assertEquals("CPU:0", auto.trainingDevice());
    assertEquals(
        RewriterConfig.getDefaultInstance(),
        auto.sessionConfig().getGraphOptions().getRewriteOptions(),
        "fp32 rewrites nothing");
  }

  @Test
  void fp16OnTheCpuIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ComputeSetup.resolve(Device.CPU, Precision.FP16, BASE));
    assertTrue(e.getMessage().contains("--precision fp16 needs a GPU"), e.getMessage());
    assertTrue(e.getMessage().contains("--precision bf16"), e.getMessage());
  }

  @Test
  void bf16OnTheCpuTurnsOnTheOneDnnRewriter() {
    // surefire runs the tests with TF_ENABLE_ONEDNN_OPTS=1, as the launcher does
    ComputeSetup bf16 = ComputeSetup.resolve(Device.CPU, Precision.BF16, BASE);
    RewriterConfig rw = bf16.sessionConfig().getGraphOptions().getRewriteOptions();
    assertEquals(RewriterConfig.Toggle.ON, rw.getAutoMixedPrecisionMkl());
    assertEquals(RewriterConfig.Toggle.DEFAULT, rw.getAutoMixedPrecision());
  }

  @Test
  void fp16OnAGpuTurnsOnTheGpuRewriter() {
    Assumptions.assumeTrue(gpuVisible(), "needs a GPU");
    ComputeSetup fp16 = ComputeSetup.resolve(Device.GPU, Precision.FP16, BASE);
    assertTrue(fp16.onGpu());
    assertEquals(
        RewriterConfig.Toggle.ON,
        fp16.sessionConfig().getGraphOptions().getRewriteOptions().getAutoMixedPrecision());
    assertThrows(
        IllegalArgumentException.class,
        () -> ComputeSetup.resolve(Device.GPU, Precision.BF16, BASE));
  }

  @Test
  void flagValuesParse() {
    assertEquals(Precision.BF16, Precision.parse("BF16"));
    assertEquals(Device.GPU, Device.parse(" gpu "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp64"));
    assertEquals("'fp64' is not one of fp32, fp16, bf16", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
  }
}
