package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.train.Trainer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code export}, {@code inspect}, {@code eval ...} and {@code demo} from the command line. */
class EvalCommandsTest {
  @TempDir static Path tmp;
  static Path model;

  @BeforeAll
  static void trainAndExport() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs dataset-fashion-mnist");
    Path run = tmp.resolve("runs/tiny");
    try (Trainer t = Trainer.create(TinyConfigs.pretrain("byol", 2), run)) {
      t.progressBar(false).train();
    }
    assertEquals(
        0,
        run(
            new StringWriter(),
            "export",
            "--run",
            run.toString(),
            "--saved-models",
            tmp.resolve("saved_models").toString()));
    model = tmp.resolve("saved_models/tiny/1");
    assertTrue(Files.isRegularFile(model.resolve("saved_model.pb")), "named after the run folder");
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cli = TfSsl.commandLine();
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void inspectPrintsTheSignatures() {
    assertEquals(0, run(new StringWriter(), "inspect", model.toString()));
  }

  @Test
  void knnWithTheRandomInitBaselineWritesBothToTheReport() throws Exception {
    Path report = tmp.resolve("knn.json");
    assertEquals(
        0,
        run(
            new StringWriter(),
            "eval",
            "knn",
            "--model",
            model.toString(),
            "--limit",
            "600",
            "--k",
            "20",
            "--baseline",
            "random-init",
            "--report",
            report.toString()));
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    assertEquals("knn", r.get("protocol").asText());
    assertEquals("fashion-mnist", r.get("dataset").asText());
    assertEquals("byol", r.get("method").asText());
    assertEquals(20, r.at("/pretrained/k").asInt());
    assertEquals(600, r.at("/pretrained/queries").asInt());
    for (String row : new String[] {"pretrained", "random_init"}) {
      double top1 = r.at("/" + row + "/top1").asDouble();
      assertTrue(top1 > 0.2 && top1 <= 1, row + " " + top1);
    }
  }

  @Test
  void linearAndTransferWriteReports() throws Exception {
    Path linear = tmp.resolve("linear.json");
    assertEquals(
        0,
        run(
            new StringWriter(),
            "eval",
            "linear",
            "--model",
            model.toString(),
            "--limit",
            "600",
            "--epochs",
            "3,5",
            "--lrs",
            "0.1,1",
            "--report",
            linear.toString()));
    JsonNode r = new ObjectMapper().readTree(linear.toFile());
    assertTrue(r.at("/pretrained/top1").asDouble() > 0.3);
    assertEquals(4, r.at("/pretrained/validation_top1").size(), "2 rates x 2 epoch counts");
    assertTrue(
        r.at("/pretrained/chosen_epochs").asInt() == 3
            || r.at("/pretrained/chosen_epochs").asInt() == 5);
  }

  /**
   * Transfer to another format and shape: small CIFAR-10 binary files written here (32x32x3, each
   * class a different brightness), converted to the model's 28x28x1 input.
   */
  @Test
  void transferToACifarShapedDataset() throws Exception {
    Path cifar = Files.createDirectories(tmp.resolve("cifar"));
    java.util.Random random = new java.util.Random(3);
    String[] files = {
      "data_batch_1.bin",
      "data_batch_2.bin",
      "data_batch_3.bin",
      "data_batch_4.bin",
      "data_batch_5.bin",
      "test_batch.bin"
    };
    for (String name : files) {
      byte[] records = new byte[40 * 3073];
      for (int i = 0; i < 40; i++) {
        int label = i % 10;
        records[i * 3073] = (byte) label;
        for (int j = 1; j < 3073; j++) {
          records[i * 3073 + j] = (byte) Math.min(255, 20 * label + random.nextInt(30));
        }
      }
      Files.write(cifar.resolve(name), records);
    }
    Path report = tmp.resolve("transfer.json");
    StringWriter err = new StringWriter();
    assertEquals(
        0,
        run(
            err,
            "eval",
            "transfer",
            "--model",
            model.toString(),
            "--dataset",
            "cifar10",
            "--data-dir",
            cifar.toString(),
            "--epochs",
            "10",
            "--report",
            report.toString()),
        err.toString());
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    assertEquals("cifar10", r.get("dataset").asText());
    assertEquals("fashion-mnist", r.get("pretrained_on").asText());
    assertEquals(40, r.at("/pretrained/test").asInt());
    assertTrue(
        r.at("/pretrained/top1").asDouble() > 0.3,
        "brightness classes are easy: " + r.at("/pretrained/top1"));
  }

  @Test
  void badEvaluationRequestsExitWithCode2() {
    StringWriter err = new StringWriter();
    assertEquals(
        2, run(err, "eval", "transfer", "--model", model.toString(), "--dataset", "fashion-mnist"));
    assertTrue(err.toString().contains("transfer means another dataset"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(2, run(err2, "eval", "finetune", "--model", model.toString(), "--labels", "10"));
    assertTrue(err2.toString().contains("percentage"), err2.toString());
    StringWriter err3 = new StringWriter();
    assertEquals(2, run(err3, "eval", "linear", "--model", tmp.resolve("nope").toString()));
    assertTrue(err3.toString().contains("no such directory"), err3.toString());
    StringWriter err4 = new StringWriter();
    assertEquals(
        2, run(err4, "eval", "knn", "--model", model.toString(), "--baseline", "imagenet"));
    assertTrue(err4.toString().contains("--baseline must be random-init"), err4.toString());
    StringWriter err5 = new StringWriter();
    assertEquals(
        2,
        run(
            err5,
            "export",
            "--run",
            tmp.resolve("runs/tiny").toString(),
            "--saved-models",
            tmp.resolve("saved_models").toString(),
            "--model-version",
            "1"));
    assertTrue(err5.toString().contains("already exists"), err5.toString());
  }

  @Test
  void demoRunsEndToEndAtSmokeScale() throws Exception {
    Path report = tmp.resolve("demo.json");
    assertEquals(
        0,
        run(
            new StringWriter(),
            "demo",
            "--steps",
            "2",
            "--eval-limit",
            "500",
            "--out",
            tmp.resolve("runs/demo").toString(),
            "--saved-models",
            tmp.resolve("demo_models").toString(),
            "--report",
            report.toString()));
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    assertEquals("simsiam", r.get("method").asText());
    assertEquals(2, r.get("pretraining_steps").asInt());
    for (String protocol : new String[] {"linear", "knn"}) {
      for (String row : new String[] {"pretrained", "random_init"}) {
        assertTrue(r.at("/" + protocol + "/" + row + "/top1").isNumber(), protocol + " " + row);
      }
    }
    assertTrue(Files.isRegularFile(tmp.resolve("demo_models/fmnist-simsiam/1/saved_model.pb")));
  }
}
