package own;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.eval.EvalData;
import io.tfssl.eval.Evaluation;
import io.tfssl.eval.FineTune;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.export.ModelMetadata;
import io.tfssl.nn.Encoders;
import io.tfssl.nn.ResNet;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * An encoder defined only in these test sources (package {@code own}, outside tf-ssl's) is
 * registered by name, pretrained, exported, reloaded and used to embed: the trainer, the exporter
 * and evaluation (random-init baseline, fine-tuning) all build it through {@link Encoders}.
 */
class OwnEncoderTest {
  @TempDir static Path tmp;
  static final byte[] PIXELS = new byte[8 * 28 * 28];

  /** The trained network's embeddings of {@link #PIXELS}, read from the training session. */
  static float[] trainingSide;

  static ExportedModel exported;

  @BeforeAll
  static void pretrainAndExport() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    if (!Encoders.isRegistered(TwoConvEncoder.NAME)) {
      Encoders.register(TwoConvEncoder.NAME, (stem, zeroInitResidual) -> new TwoConvEncoder());
    }
    new Random(5).nextBytes(PIXELS);
    PretrainConfig config =
        TinyConfigs.pretrain("simsiam", 3).toBuilder().encoder(TwoConvEncoder.NAME).build();
    Path run = tmp.resolve("run");
    try (Trainer t = Trainer.create(config, run)) {
      t.progressBar(false).train();
      try (TUint8 x = images();
          Result r =
              t.session()
                  .runner()
                  .feed(t.graph().evalImages(), x)
                  .fetch(t.graph().evalEmbedding())
                  .run()) {
        trainingSide = flat((TFloat32) r.get(0));
      }
    }
    exported = Exporter.exportRun(run, tmp.resolve("saved_models"), "own", OptionalInt.empty());
  }

  @Test
  void theExportIsTheTrainedOwnEncoder() {
    assertEquals(TwoConvEncoder.NAME, exported.metadata().encoder());
    assertEquals(24, exported.metadata().embeddingDim());
    try (EmbeddingModel model = EmbeddingModel.load(exported.dir());
        TUint8 x = images()) {
      assertEquals(24, model.embeddingDim());
      // The exported graph was rebuilt from the name and restored from the checkpoint.
      assertArrayEquals(trainingSide, model.embed(x));
    }
  }

  @Test
  void evaluationRebuildsTheOwnEncoder() {
    try (Evaluation.Baseline random = Evaluation.randomInit(exported.dir());
        EmbeddingModel model = EmbeddingModel.load(random.dir());
        TUint8 x = images()) {
      float[] untrained = model.embed(x);
      assertEquals(8 * 24, untrained.length);
      assertFalse(Arrays.equals(trainingSide, untrained), "fresh weights, not the trained ones");
    }
    FineTune.Result tuned =
        Evaluation.fineTune(
            exported.dir(),
            EvalData.of("fashion-mnist").withLimit(500),
            false,
            new FineTune.Config(0.1, 1, 25, 0.1, 0, 0),
            line -> {});
    // About 10% of 500, class-balanced; it ran, with the encoder restored from the export.
    assertTrue(tuned.labeledImages() >= 40 && tuned.labeledImages() <= 50, tuned.toString());
    assertTrue(tuned.steps() >= 1, tuned.toString());
  }

  /**
   * A JVM that never registered the encoder (another program, {@code ./tfssl eval linear}) still
   * loads and runs the export: it is a SavedModel, and its metadata is only data. Only rebuilding
   * the network needs the factory. Simulated with a copy whose metadata names an encoder registered
   * nowhere.
   */
  @Test
  void anExportLoadsWhereItsEncoderIsNotRegistered() throws IOException {
    Path copy = tmp.resolve("unregistered/1");
    copyTree(exported.dir(), copy);
    Path metadata = copy.resolve(ModelMetadata.FILE_NAME);
    String json = Files.readString(metadata);
    assertTrue(json.contains("\"" + TwoConvEncoder.NAME + "\""));
    Files.writeString(
        metadata, json.replace("\"" + TwoConvEncoder.NAME + "\"", "\"never-registered\""));
    try (EmbeddingModel model = EmbeddingModel.load(copy);
        TUint8 x = images()) {
      assertEquals("never-registered", model.metadata().orElseThrow().config().encoder());
      assertArrayEquals(trainingSide, model.embed(x));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Evaluation.randomInit(copy).close());
    assertTrue(e.getMessage().contains("unknown encoder 'never-registered'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("Encoders.register(\"never-registered\", factory)"),
        e.getMessage());
  }

  @Test
  void anUnregisteredNameIsRefusedBeforeTrainingAndSaysToRegisterIt() {
    PretrainConfig config =
        TinyConfigs.pretrain("simsiam", 1).toBuilder().encoder("never-registered").build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Trainer.create(config, tmp.resolve("never")).close());
    assertTrue(e.getMessage().contains("unknown encoder 'never-registered'"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("never/checkpoints/latest")));
    assertThrows(
        IllegalArgumentException.class,
        () -> TinyConfigs.pretrain("simsiam", 1).toBuilder().encoder("has space").build());
  }

  @Test
  void namesAreNotReusedAndAFactoryMustKeepItsName() {
    IllegalArgumentException taken =
        assertThrows(
            IllegalArgumentException.class,
            () -> Encoders.register("small", (stem, z) -> new TwoConvEncoder()));
    assertTrue(
        taken.getMessage().contains("already registered (a built-in encoder)"), taken.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Encoders.register("has space", (stem, z) -> new TwoConvEncoder()));
    if (!Encoders.isRegistered("own-misnamed")) {
      Encoders.register("own-misnamed", (stem, z) -> new TwoConvEncoder());
    }
    IllegalStateException misnamed =
        assertThrows(
            IllegalStateException.class,
            () -> Encoders.create("own-misnamed", ResNet.Stem.CIFAR, false));
    assertTrue(misnamed.getMessage().contains("named 'own-two-conv'"), misnamed.getMessage());
    assertTrue(Encoders.names().containsAll(List.of("small", "own-misnamed")));
  }

  static TUint8 images() {
    return TUint8.tensorOf(Shape.of(8, 28, 28, 1), DataBuffers.of(PIXELS, true, false));
  }

  static float[] flat(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(
          f -> {
            try {
              Files.copy(f, to.resolve(from.relativize(f).toString()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
