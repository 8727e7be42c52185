package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.compute.SessionConfigs;
import io.tfssl.compute.TfDevice;
import io.tfssl.compute.TfDevices;
import io.tfssl.data.IdxSource;
import io.tfssl.train.RunFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code --device} and {@code --precision} on the command line. */
class DevicePrecisionFlagsTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = TfSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static boolean gpuVisible() {
    return TfDevices.visible(SessionConfigs.training(0)).stream().anyMatch(TfDevice::isGpu);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--precision fp64 | 'fp64' is not one of fp32, fp16, bf16",
        "--device tpu | 'tpu' is not one of auto, cpu, gpu",
        "--device cpu --precision fp16 | --precision fp16 needs a GPU"
      })
  void badValuesExitWithCode2(String args, String expected) {
    String[] argv = ("pretrain " + args + " --out " + dir.resolve("r")).split("\\s+");
    Run r = run(argv);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void gpuWithoutAGpuExitsWith2BeforeTraining() {
    Assumptions.assumeFalse(gpuVisible(), "this machine has a GPU");
    Run r =
        run("pretrain", "--device", "gpu", "--steps", "1", "--out", dir.resolve("g").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("error: --device gpu: TensorFlow sees no GPU"), r.err());
    assertFalse(Files.exists(dir.resolve("g").resolve("config.json")), "nothing written");
  }

  @Test
  void cpuTrainsAndIsStoredWithTheRun() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    Path out = dir.resolve("cpu");
    Run r =
        run(
            "pretrain",
            "--device",
            "cpu",
            "--steps",
            "2",
            "--batch-size",
            "16",
            "--projector-dims",
            "32,32",
            "--predictor-dims",
            "8,32",
            "--threads",
            "2",
            "--log-every",
            "1",
            "--no-progress",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(2, io.tfssl.TestRuns.losses(out).size());
    assertEquals(io.tfssl.compute.Device.CPU, new RunFolder(out).readConfig().device());

    Run resumed = run("pretrain", "--resume", "--precision", "bf16", "--out", out.toString());
    assertEquals(2, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("precision: FP32 in the run, BF16 given"), resumed.err());
  }

  @Test
  void helpNamesTheValues() {
    Run r = run("pretrain", "--help");
    assertTrue(r.out().contains("--device=auto|cpu|gpu"), r.out());
    assertTrue(r.out().contains("--precision=fp32|fp16|bf16"), r.out());
  }

  /** A config.json written before --device and --precision existed still loads. */
  @Test
  void anOldConfigWithoutTheFieldsLoadsAsAutoFp32() throws Exception {
    RunFolder run = new RunFolder(dir.resolve("old"));
    run.writeConfig(TinyConfigs.pretrain("simsiam", 2));
    String json = Files.readString(run.configFile());
    String old =
        json.replaceAll(",\\s*\"device\"\\s*:\\s*\"[A-Z]+\"", "")
            .replaceAll(",\\s*\"precision\"\\s*:\\s*\"[A-Z0-9]+\"", "");
    assertFalse(old.contains("device") || old.contains("precision"), old);
    Files.writeString(run.configFile(), old);
    var config = run.readConfig();
    assertEquals(io.tfssl.compute.Device.AUTO, config.device());
    assertEquals(io.tfssl.compute.Precision.FP32, config.precision());
  }
}
