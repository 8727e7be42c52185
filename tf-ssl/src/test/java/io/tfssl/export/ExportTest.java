package io.tfssl.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Export → load → the same embeddings as the training-side inference graph, in this JVM and in a
 * plain TF Java program in another JVM; atomic versions; metadata; inspect.
 */
class ExportTest {
  @TempDir static Path tmp;
  static Path run;
  static byte[] pixels;
  static final int N = 12;

  /** The embedding of {@link #pixels} computed in the live training session. */
  static float[] trainingSide;

  @BeforeAll
  static void trainAndEmbed() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    pixels = new byte[N * 28 * 28];
    new java.util.Random(7).nextBytes(pixels);
    run = tmp.resolve("run");
    PretrainConfig config = TinyConfigs.pretrain("simsiam", 4);
    try (Trainer t = Trainer.create(config, run)) {
      t.progressBar(false).train();
      Session s = t.session();
      try (TUint8 x = images();
          Result r =
              s.runner().feed(t.graph().evalImages(), x).fetch(t.graph().evalEmbedding()).run()) {
        trainingSide = flat((TFloat32) r.get(0));
      }
    }
  }

  static TUint8 images() {
    return TUint8.tensorOf(Shape.of(N, 28, 28, 1), DataBuffers.of(pixels, true, false));
  }

  static float[] flat(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  @Test
  void exportedModelGivesTheTrainingSideEmbeddingsBitExact() {
    Path root = tmp.resolve("same-jvm");
    ExportedModel m = Exporter.exportRun(run, root, "tiny", OptionalInt.empty());
    assertEquals(root.resolve("tiny").resolve("1"), m.dir());
    try (EmbeddingModel model = EmbeddingModel.load(m.dir());
        TUint8 x = images()) {
      assertArrayEquals(trainingSide, model.embed(x));
      assertArrayEquals(new long[] {28, 28, 1}, model.inputHwc());
      assertEquals(256, model.embeddingDim());
    }
    float sum = 0;
    for (float v : trainingSide) {
      sum += Math.abs(v);
    }
    assertTrue(sum > 0, "a real embedding");
  }

  @Test
  void aPlainTensorFlowProgramInAnotherJvmLoadsAndServesIt() throws Exception {
    Path root = tmp.resolve("other-jvm");
    ExportedModel m = Exporter.exportRun(run, root, "tiny", OptionalInt.empty());
    Path in = tmp.resolve("images.bin");
    Path out = tmp.resolve("embedding.bin");
    try (DataOutputStream o = new DataOutputStream(new FileOutputStream(in.toFile()))) {
      o.writeInt(N);
      o.writeInt(28);
      o.writeInt(28);
      o.writeInt(1);
      o.write(pixels);
    }
    // Only TensorFlow's jars (and their protobuf / JavaCPP / ndarray dependencies) and the
    // client's own class: nothing of tf-ssl.
    String classPath =
        Stream.concat(
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(
                        p ->
                            p.contains("tensorflow")
                                || p.contains("protobuf")
                                || p.contains("javacpp")
                                || p.contains("ndarray")),
                Stream.of(
                    Path.of(
                            ExportTest.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString()))
            .collect(Collectors.joining(File.pathSeparator));
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "plain.PlainServingClient",
                m.dir().toString(),
                in.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "client finished");
    assertEquals(0, p.exitValue(), log);
    try (DataInputStream i = new DataInputStream(new FileInputStream(out.toFile()))) {
      assertEquals(N, i.readInt());
      int d = i.readInt();
      assertEquals(256, d);
      float[] e = new float[N * d];
      for (int k = 0; k < e.length; k++) {
        e[k] = i.readFloat();
      }
      assertArrayEquals(trainingSide, e);
    }
  }

  @Test
  void versionsAutoIncrementAndAnExistingVersionIsRefused() {
    Path root = tmp.resolve("versions");
    assertEquals(1, Exporter.exportRun(run, root, "m", OptionalInt.empty()).metadata().version());
    assertEquals(2, Exporter.exportRun(run, root, "m", OptionalInt.empty()).metadata().version());
    assertEquals(7, Exporter.exportRun(run, root, "m", OptionalInt.of(7)).metadata().version());
    assertEquals(8, Exporter.nextVersion(root.resolve("m")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Exporter.exportRun(run, root, "m", OptionalInt.of(2)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void anInterruptedExportLeavesNoVersionDirectoryBehind() throws Exception {
    Path root = tmp.resolve("interrupted");
    RuntimeException crash = new RuntimeException("simulated crash while writing");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                Exporter.exportRun(
                    run,
                    root,
                    "m",
                    OptionalInt.empty(),
                    dir -> {
                      assertTrue(
                          Files.isRegularFile(dir.resolve("saved_model.pb")),
                          "written in full first");
                      throw crash;
                    }));
    assertEquals(crash, thrown);
    try (Stream<Path> s = Files.list(root.resolve("m"))) {
      assertEquals(List.of(), s.toList(), "neither the version nor the temporary directory");
    }
    assertEquals(1, Exporter.exportRun(run, root, "m", OptionalInt.empty()).metadata().version());
  }

  @Test
  void metadataDescribesTheModel() {
    ExportedModel m = Exporter.exportRun(run, tmp.resolve("meta"), "m", OptionalInt.empty());
    ModelMetadata md = ModelMetadata.read(m.dir()).orElseThrow();
    assertEquals("simsiam", md.method());
    assertEquals("small", md.encoder());
    assertEquals("fashion-mnist", md.dataset());
    assertEquals(28, md.height());
    assertEquals(1, md.channels());
    assertEquals(4, md.steps());
    assertFalse(md.randomInit());
    assertEquals(64, md.projectionDim());
    assertEquals(4, ((Number) md.lastMetrics().get("step")).intValue());
    assertEquals(16, md.config().batchSize());
  }

  @Test
  void inspectListsSignaturesAndVariables() {
    ExportedModel m = Exporter.exportRun(run, tmp.resolve("inspect"), "m", OptionalInt.empty());
    ModelSummary s = ModelSummary.of(m.dir().getParent());
    assertEquals(m.dir(), s.dir());
    assertEquals(
        List.of(Exporter.NORMALIZED, Exporter.SERVING_BYTES, Exporter.SERVING_DEFAULT),
        s.signatures().stream().map(ModelSummary.SignatureInfo::key).sorted().toList());
    ModelSummary.SignatureInfo serving =
        s.signatures().stream()
            .filter(x -> x.key().equals(Exporter.SERVING_DEFAULT))
            .findFirst()
            .orElseThrow();
    assertEquals("uint8", serving.inputs().get("images").dtype());
    assertArrayEquals(new long[] {-1, 28, 28, 1}, serving.inputs().get("images").shape());
    assertArrayEquals(new long[] {-1, 256}, serving.outputs().get("embedding").shape());
    assertArrayEquals(new long[] {-1, 64}, serving.outputs().get("projection").shape());
    // No optimizer slots, predictor or gradients in an inference export: encoder + projector only.
    assertTrue(s.variableCount() > 0);
    assertTrue(s.format().contains("serving_default"));
  }

  @Test
  void theRandomInitBaselineIsTheRunsStartingPoint() {
    ExportedModel trained = Exporter.exportRun(run, tmp.resolve("rand"), "m", OptionalInt.empty());
    try (io.tfssl.eval.Evaluation.Baseline b = io.tfssl.eval.Evaluation.randomInit(trained.dir());
        EmbeddingModel random = EmbeddingModel.load(b.dir());
        TUint8 x = images()) {
      assertTrue(random.metadata().orElseThrow().randomInit());
      float[] e = random.embed(x);
      assertEquals(trainingSide.length, e.length);
      assertFalse(Arrays.equals(trainingSide, e), "untrained weights differ from trained ones");
    }
  }
}
