package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.data.IdxSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code data inspect} and {@code augment-preview} from the command line. */
class DataCommandsTest {
  @TempDir Path tmp;

  private int run(StringWriter err, String... args) {
    CommandLine cli = TfSsl.commandLine();
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void inspectWritesAReportOfFashionMnist() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs dataset-fashion-mnist");
    Path report = tmp.resolve("fmnist.json");
    assertEquals(
        0,
        run(
            new StringWriter(),
            "data",
            "inspect",
            "--dataset",
            "fashion-mnist",
            "--limit",
            "500",
            "--report",
            report.toString()));
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    assertEquals(500, r.get("images").asInt());
    assertEquals(28, r.get("shape").get(0).asInt());
    assertEquals(-1, r.get("first_bad_record").asInt());
    double mean = r.get("channel_mean").get(0).asDouble();
    assertTrue(mean > 0.2 && mean < 0.4, "Fashion-MNIST's pixel mean is about 0.29, got " + mean);
  }

  @Test
  void previewWritesAPng() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs dataset-fashion-mnist");
    Path png = tmp.resolve("views.png");
    assertEquals(
        0,
        run(
            new StringWriter(),
            "augment-preview",
            "--dataset",
            "fashion-mnist",
            "--policy",
            "fmnist-small",
            "--rows",
            "3",
            "--out",
            png.toString()));
    assertTrue(Files.isRegularFile(png));
  }

  @Test
  void badValuesExitWithCode2() {
    StringWriter err = new StringWriter();
    assertEquals(
        2,
        run(
            err,
            "augment-preview",
            "--dataset",
            "fashion-mnist",
            "--policy",
            "nope",
            "--out",
            tmp.resolve("x.png").toString()));
    assertTrue(err.toString().contains("unknown policy 'nope'"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(2, run(err2, "data", "inspect", "--dataset", "imagenet21k"));
    assertTrue(err2.toString().contains("unknown dataset 'imagenet21k'"), err2.toString());
    StringWriter err3 = new StringWriter();
    assertEquals(
        2,
        run(
            err3,
            "data",
            "inspect",
            "--dataset",
            "cifar10",
            "--data-dir",
            tmp.resolve("none").toString()));
    assertTrue(err3.toString().contains("none"), err3.toString());
  }
}
