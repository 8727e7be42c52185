package io.tfssl.compute;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic of a training step. Variables, optimizer slots, checkpoints and exports stay
 * float32 in every mode: the reduced precisions are applied by TensorFlow's graph rewriter
 * (Grappler's auto mixed precision), which casts the inputs of ops on its allow list (Conv2D,
 * MatMul and their gradients) to 16 bits and keeps numerically sensitive ops (softmax, reductions,
 * losses) in float32. See {@link ComputeSetup} for which device each mode runs on.
 */
public enum Precision {
  /** Everything in float32. */
  FP32(null),
  /**
   * IEEE half precision on a GPU (TF's {@code auto_mixed_precision} rewriter, which only rewrites
   * ops placed on a GPU of compute capability 7.0 or newer), with a dynamic loss scale in the graph
   * ({@code io.tfssl.compute.LossScale}) so small gradients do not flush to zero.
   */
  FP16("DT_HALF"),
  /**
   * bfloat16 on the CPU (TF's {@code auto_mixed_precision_onednn_bfloat16} rewriter, which only
   * rewrites ops placed on the CPU and only when TF's oneDNN ops are on). bfloat16 has float32's
   * exponent range, so no loss scale is needed.
   */
  BF16("DT_BFLOAT16");

  private final String tfType;

  Precision(String tfType) {
    this.tfType = tfType;
  }

  /** The TF {@code DataType} name ops compute in after the rewrite; null for {@link #FP32}. */
  public String tfType() {
    return tfType;
  }

  /** The value as written on the command line. */
  public String cli() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code fp32}, {@code fp16} or {@code bf16} (any case). */
  public static Precision parse(String value) {
    for (Precision p : values()) {
      if (p.cli().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("'" + value + "' is not one of " + names());
  }

  static String names() {
    return Arrays.stream(values()).map(Precision::cli).collect(Collectors.joining(", "));
  }
}
