package io.tfssl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.cli.TfSsl;
import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.nn.ResNet;
import io.tfssl.train.PretrainConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench step --precision/--device/--image-size}. */
class StepBenchPrecisionTest {

  private static JsonNode jsonRun(String... extra) throws Exception {
    String[] base = {
      "bench",
      "step",
      "--method",
      "simsiam",
      "--encoder",
      "small",
      "--batch-size",
      "8",
      "--steps",
      "1",
      "--warmup",
      "1",
      "--device",
      "cpu",
      "--json"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    CommandLine cli = TfSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(0, cli.execute(args), err.toString());
    return new ObjectMapper().readTree(out.toString().strip());
  }

  @Test
  void bf16RunsWithEveryConvAndMatmulInBfloat16() throws Exception {
    JsonNode fp32 = jsonRun();
    assertEquals("fp32", fp32.path("precision").asText());
    assertEquals("CPU:0", fp32.path("device").asText());
    assertTrue(fp32.path("conv_ops_by_device").path("CPU:0").asInt() > 0, fp32.toString());
    assertEquals(0, fp32.path("low_precision_matrix_ops").asInt());

    JsonNode bf16 = jsonRun("--precision", "bf16");
    assertEquals("bf16", bf16.path("precision").asText());
    int matrix = bf16.path("matrix_ops").asInt();
    assertTrue(matrix > 0, bf16.toString());
    assertTrue(bf16.path("low_precision_matrix_ops").asInt() > 0, bf16.toString());
  }

  @Test
  void imageSizeSelectsTheImagenetStem() {
    StepBenchSpec spec =
        new StepBenchSpec(
            "byol", "resnet50", 256, false, 10, 3, 0, 0, 224, Device.GPU, Precision.FP16);
    PretrainConfig c = spec.config();
    assertArrayEquals(new long[] {224, 224, 3}, spec.imageShape());
    assertEquals(ResNet.Stem.IMAGENET, c.stem());
    assertEquals(Device.GPU, c.device());
    assertEquals(Precision.FP16, c.precision());
    assertEquals("224x224x3", spec.inputLabel());
    assertEquals(
        ResNet.Stem.CIFAR,
        new StepBenchSpec("simsiam", "resnet18", 8, false, 1, 0, 0, 0).config().stem());
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("simsiam", "small", 8, false, 1, 0, 0, 0, 64, null, null));
  }
}
