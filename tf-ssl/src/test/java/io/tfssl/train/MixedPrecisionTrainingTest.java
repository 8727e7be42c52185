package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.data.IdxSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bf16 on the CPU: TF's oneDNN rewriter really converts the step's convolutions and matmuls
 * (counted in the graph TF ran), the losses move away from fp32's (the arithmetic changed), and
 * they stay close to fp32's: within {@link #FIRST_STEP_TOLERANCE} on the first step (same weights,
 * only the rounding differs) and within {@link #TOLERANCE} over {@link #STEPS} steps (the weights
 * then drift apart too). Both runs use {@code --device cpu}.
 */
class MixedPrecisionTrainingTest {
  /**
   * Largest |loss_bf16 − loss_fp32| on the first step of the tiny SimSiam (loss = −mean cosine, in
   * [−1, 1]). bfloat16 keeps 8 significant bits (relative rounding 2^−9 ≈ 0.2%) in each conv and
   * matmul; seen on a 2-core AMD EPYC (no AVX512, so TF's Eigen bf16 kernels): 0.0005.
   */
  static final double FIRST_STEP_TOLERANCE = 0.002;

  /** Largest |loss_bf16 − loss_fp32| over {@link #STEPS} steps; seen: 0.0066 (step 5). */
  static final double TOLERANCE = 0.02;

  static final int STEPS = 5;

  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  private record Run(List<Double> losses, String log) {}

  private Run train(Precision precision, String name) throws Exception {
    PretrainConfig config =
        TinyConfigs.pretrain("simsiam", STEPS).toBuilder()
            .device(Device.CPU)
            .precision(precision)
            .build();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path dir = tmp.resolve(name);
    try (Trainer t = Trainer.create(config, dir)) {
      assertEquals("CPU:0", t.compute().trainingDevice());
      t.progressBar(false).log(new PrintStream(log, true, StandardCharsets.UTF_8)).train();
    }
    return new Run(TestRuns.losses(dir), log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void bf16StepsMatchFp32WithinTolerance() throws Exception {
    Run fp32 = train(Precision.FP32, "fp32");
    Run bf16 = train(Precision.BF16, "bf16");
    assertTrue(fp32.log().contains("convolutions CPU:0"), fp32.log());
    Matcher m =
        Pattern.compile("DT_BFLOAT16 in (\\d+) of (\\d+) conv/matmul ops").matcher(bf16.log());
    assertTrue(m.find(), bf16.log());
    assertTrue(Integer.parseInt(m.group(1)) > 0, "no op rewritten to bfloat16: " + bf16.log());

    assertEquals(STEPS, fp32.losses().size());
    assertEquals(STEPS, bf16.losses().size());
    assertNotEquals(fp32.losses(), bf16.losses(), "bf16 gave fp32's losses bit for bit");
    for (int i = 0; i < STEPS; i++) {
      double diff = Math.abs(bf16.losses().get(i) - fp32.losses().get(i));
      double tolerance = i == 0 ? FIRST_STEP_TOLERANCE : TOLERANCE;
      assertTrue(
          diff <= tolerance,
          "step "
              + (i + 1)
              + ": |bf16 - fp32| = "
              + diff
              + "\nfp32 "
              + fp32.losses()
              + "\nbf16 "
              + bf16.losses());
    }
  }
}
