package io.tfssl.bench;

import io.tfssl.compute.Placement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link StepBench} measured.
 *
 * @param spec what was measured
 * @param msMedian median wall time of the timed steps, ms
 * @param msMin fastest timed step, ms
 * @param msMax slowest timed step, ms
 * @param stepFlopsPerImage FLOPs of one training step per input image ({@link
 *     io.tfssl.method.MethodGraph#stepFlops()}: 3× the trained forward over both views plus the
 *     gradient-free forward of BYOL's target)
 * @param encoderFlopsPerImage forward FLOPs of the encoder for one image (one view)
 * @param peakRssMb peak resident set size of the process, MiB (NaN where unknown)
 * @param finalLoss loss of the last timed step (a sanity check, not a result)
 * @param tfVersion the native TensorFlow version
 * @param cpuModel CPU model name
 * @param cores cores available to the JVM
 * @param oneDnnOpts the {@code TF_ENABLE_ONEDNN_OPTS} environment variable, or null when unset
 * @param profile where one traced step spent its time, or null when not asked for
 * @param device the device the step was to run on ({@code CPU:0}, {@code GPU:0})
 * @param placement where the first step's convolutions ran and how many conv/matmul ops computed in
 *     16 bits
 */
public record StepBenchResult(
    StepBenchSpec spec,
    double msMedian,
    double msMin,
    double msMax,
    long stepFlopsPerImage,
    long encoderFlopsPerImage,
    double peakRssMb,
    double finalLoss,
    String tfVersion,
    String cpuModel,
    int cores,
    String oneDnnOpts,
    StepProfile profile,
    String device,
    Placement placement) {

  /** Images per second at the median step time. */
  public double imagesPerSecond() {
    return spec.batchSize() / (msMedian / 1e3);
  }

  /** Achieved GFLOP/s at the median step time: step FLOPs × batch / seconds / 1e9. */
  public double gflopsPerSecond() {
    return (double) stepFlopsPerImage * spec.batchSize() / (msMedian / 1e3) / 1e9;
  }

  /** The fields of the {@code --json} line, in order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", spec.method());
    m.put("encoder", spec.encoder());
    m.put("input", spec.inputLabel());
    m.put("batch_size", spec.batchSize());
    m.put("augment", spec.augment());
    m.put("ms_per_step_median", round(msMedian, 3));
    m.put("ms_per_step_min", round(msMin, 3));
    m.put("ms_per_step_max", round(msMax, 3));
    m.put("images_per_sec", round(imagesPerSecond(), 2));
    m.put("gflops_per_sec", round(gflopsPerSecond(), 3));
    m.put("step_flops_per_image", stepFlopsPerImage);
    m.put("encoder_mflops_per_image", round(encoderFlopsPerImage / 1e6, 3));
    m.put("peak_rss_mb", Double.isNaN(peakRssMb) ? null : round(peakRssMb, 1));
    m.put("steps", spec.steps());
    m.put("warmup", spec.warmup());
    m.put("threads", spec.threads());
    m.put("final_loss", Double.isFinite(finalLoss) ? round(finalLoss, 5) : null);
    m.put("tf_version", tfVersion);
    m.put("cpu_model", cpuModel);
    m.put("cores", cores);
    m.put("tf_enable_onednn_opts", oneDnnOpts);
    m.put("device", device);
    m.put("precision", spec.precision().cli());
    m.put("conv_ops_by_device", placement == null ? Map.of() : placement.convByDevice());
    m.put("matrix_ops", placement == null ? null : placement.matrixOps());
    m.put("low_precision_matrix_ops", placement == null ? null : placement.lowPrecisionMatrixOps());
    return m;
  }

  private static double round(double x, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(x * f) / f;
  }
}
