package io.tfssl.compute;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * What a run trains on, decided once at start-up from the devices TensorFlow really sees, and the
 * session config that makes it so.
 *
 * <ul>
 *   <li>{@link Device#AUTO}: the GPU when TF sees one (its placer then puts every op with a GPU
 *       kernel there), else the CPU. {@link Device#GPU} is the same but fails at once, with the
 *       reason, when TF sees no GPU. {@link Device#CPU} creates no GPU device at all ({@code
 *       device_count {GPU: 0}}).
 *   <li>{@link Precision#FP16} sets Grappler's {@code auto_mixed_precision}, which rewrites only
 *       ops placed on a GPU; {@link Precision#BF16} sets {@code auto_mixed_precision_mkl} (the
 *       field TF 2.18 reads as {@code auto_mixed_precision_onednn_bfloat16}), which rewrites only
 *       ops placed on the CPU and only when TF's oneDNN ops are on. So fp16 without a GPU and bf16
 *       on a GPU are refused here rather than silently trained in float32. (TF's third mode, {@code
 *       auto_mixed_precision_cpu}, which emulates fp16 on the CPU, aborts the process with {@code
 *       std::out_of_range} in TF 2.18 on our graphs, so it is not offered.)
 * </ul>
 *
 * <p>Whether the rewrite really happened is checked after the first step from the graph TF ran
 * ({@link Placement}).
 *
 * @param requested what the run asked for
 * @param precision the arithmetic of the step
 * @param devices the devices a session with {@link #sessionConfig()} has
 * @param onGpu whether the step will run on {@code GPU:0}
 * @param sessionConfig the training session's config
 */
public record ComputeSetup(
    Device requested,
    Precision precision,
    List<TfDevice> devices,
    boolean onGpu,
    ConfigProto sessionConfig) {

  /**
   * Lists the devices for {@code base} (plus {@code device_count {GPU: 0}} for {@link Device#CPU})
   * and checks the request against them.
   *
   * @throws IllegalArgumentException when the request cannot be met: {@code gpu} without a visible
   *     GPU, fp16 without a GPU, bf16 on a GPU, bf16 with TF's oneDNN ops turned off
   */
  public static ComputeSetup resolve(Device requested, Precision precision, ConfigProto base) {
    ConfigProto.Builder b = base.toBuilder();
    if (requested == Device.CPU) {
      b.putDeviceCount("GPU", 0);
    }
    List<TfDevice> devices = TfDevices.visible(b.build());
    boolean gpuVisible = devices.stream().anyMatch(TfDevice::isGpu);
    if (requested == Device.GPU && !gpuVisible) {
      throw new IllegalArgumentException(
          "--device gpu: TensorFlow sees no GPU (devices: " + labels(devices) + "). " + whyNoGpu());
    }
    boolean onGpu = gpuVisible;
    switch (precision) {
      case FP16 -> {
        if (!onGpu) {
          throw new IllegalArgumentException(
              "--precision fp16 needs a GPU: TensorFlow's auto "
                  + "mixed precision rewrites only ops placed on a GPU, so this run ("
                  + (requested == Device.CPU ? "--device cpu" : "no GPU visible")
                  + ") would train in "
                  + "float32. On the CPU use --precision bf16.");
        }
        b.getGraphOptionsBuilder()
            .getRewriteOptionsBuilder()
            .setAutoMixedPrecision(RewriterConfig.Toggle.ON);
      }
      case BF16 -> {
        if (onGpu) {
          throw new IllegalArgumentException(
              "--precision bf16 runs on the CPU only: TensorFlow "
                  + "2.18 rewrites to bfloat16 only ops placed on the CPU (oneDNN), and this run "
                  + "would train on "
                  + firstGpu(devices)
                  + ". Use --precision fp16 on the GPU, or "
                  + "--device cpu.");
        }
        if (oneDnnTurnedOff()) {
          throw new IllegalArgumentException(
              "--precision bf16 needs TensorFlow's oneDNN ops, "
                  + "and TF_ENABLE_ONEDNN_OPTS="
                  + System.getenv("TF_ENABLE_ONEDNN_OPTS")
                  + " turns them off: set TF_ENABLE_ONEDNN_OPTS=1 (the tfssl launcher's default).");
        }
        b.getGraphOptionsBuilder()
            .getRewriteOptionsBuilder()
            .setAutoMixedPrecisionMkl(RewriterConfig.Toggle.ON);
      }
      default -> {}
    }
    return new ComputeSetup(requested, precision, devices, onGpu, b.build());
  }

  /** The device the convolutions should run on: {@code GPU:0} or {@code CPU:0}. */
  public String trainingDevice() {
    return onGpu ? firstGpu(devices) : "CPU:0";
  }

  /**
   * One line for the start of a run: {@code TensorFlow 2.18.0 (GPU build) sees CPU:0, GPU:0 (75.2
   * GiB); training on GPU:0, precision fp16 (auto mixed precision, dynamic loss scale)}.
   */
  public String describe() {
    String mode =
        switch (precision) {
          case FP32 -> "fp32";
          case FP16 -> "fp16 (TF auto mixed precision, dynamic loss scale)";
          case BF16 ->
              "bf16 (TF oneDNN auto mixed precision"
                  + (cpuHasAvx512()
                      ? ")"
                      : "; this CPU has no AVX-512, so TF computes bfloat16 with its "
                          + "slow Eigen kernels: expect bf16 to be slower than fp32 here)");
        };
    return String.format(
        Locale.ROOT,
        "TensorFlow %s, %s, sees %s; training on %s (--device %s)," + " precision %s",
        TensorFlow.version(),
        NativeBuild.describe(),
        labels(devices),
        trainingDevice(),
        requested.cli(),
        mode);
  }

  /**
   * oneDNN computes bfloat16 only with AVX-512 (fast with AVX512-BF16 or AMX); without it TF logs
   * "oneDNN supports DT_BFLOAT16 only on platforms with AVX-512" and uses Eigen's kernels.
   */
  static boolean cpuHasAvx512() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> l.contains(" avx512f"))
          .orElse(false);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  private static String labels(List<TfDevice> devices) {
    return devices.stream().map(TfDevice::label).collect(Collectors.joining(", "));
  }

  private static String firstGpu(List<TfDevice> devices) {
    return devices.stream()
        .filter(TfDevice::isGpu)
        .map(TfDevice::shortName)
        .findFirst()
        .orElse("GPU:0");
  }

  private static String whyNoGpu() {
    if (NativeBuild.isGpu()) {
      return "This is the GPU build of TensorFlow, so it found no usable GPU: check that "
          + "nvidia-smi lists one and that the CUDA 12 and cuDNN 9 libraries (libcudart.so.12, "
          + "libcublas.so.12, libcudnn.so.9, ...) are on LD_LIBRARY_PATH (README, section GPU).";
    }
    return "This is the CPU-only build of TensorFlow: build with 'mvn -Pgpu' on a machine with "
        + "CUDA 12 and cuDNN 9 (README, section GPU), or train with --device cpu or auto.";
  }

  /**
   * TF reads {@code TF_ENABLE_ONEDNN_OPTS} as a boolean; 0 or false turns oneDNN off, and with it
   * the bfloat16 rewriter (seen: no op converted). Unset leaves TF's per-CPU default, which the
   * first-step check catches when it is off.
   */
  private static boolean oneDnnTurnedOff() {
    String v = System.getenv("TF_ENABLE_ONEDNN_OPTS");
    return v != null && (v.trim().equals("0") || v.trim().equalsIgnoreCase("false"));
  }
}
