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
import io.tfssl.nn.Encoders;
import io.tfssl.nn.ResNet;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
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
 * registered by name, pretrained, exported, reloaded and used to embed: the trainer, the
 * exporter and evaluation (random-init baseline, fine-tuning) all build it through
 * {@link Encoders}.
 */
class OwnEncoderTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void register() {
    Assumptions.assumeTrue(Files.isDirectory(IdxSource.FASHION_MNIST_DIR),
        "needs Debian's dataset-fashion-mnist");
    if (!Encoders.isRegistered(TwoConvEncoder.NAME)) {
      Encoders.register(TwoConvEncoder.NAME, (stem, zeroInitResidual) -> new TwoConvEncoder());
    }
  }

  @Test
  void pretrainsExportsReloadsAndEmbedsWithTheTrainedWeights() {
    PretrainConfig config = TinyConfigs.pretrain("simsiam", 3).toBuilder()
        .encoder(TwoConvEncoder.NAME).build();
    byte[] pixels = new byte[8 * 28 * 28];
    new Random(5).nextBytes(pixels);
    Path run = tmp.resolve("run");
    float[] trainingSide;
    try (Trainer t = Trainer.create(config, run)) {
      t.progressBar(false).train();
      try (TUint8 x = images(pixels); Result r = t.session().runner()
          .feed(t.graph().evalImages(), x).fetch(t.graph().evalEmbedding()).run()) {
        trainingSide = flat((TFloat32) r.get(0));
      }
    }
    ExportedModel m = Exporter.exportRun(run, tmp.resolve("saved_models"), "own",
        OptionalInt.empty());
    assertEquals(TwoConvEncoder.NAME, m.metadata().encoder());
    assertEquals(24, m.metadata().embeddingDim());
    try (EmbeddingModel model = EmbeddingModel.load(m.dir()); TUint8 x = images(pixels)) {
      assertEquals(24, model.embeddingDim());
      float[] served = model.embed(x);
      assertEquals(8 * 24, served.length);
      // The exported graph was rebuilt from the name and restored from the checkpoint.
      assertArrayEquals(trainingSide, served);
    }
    // Evaluation rebuilds the encoder by name too: the random-init baseline and fine-tuning.
    try (Evaluation.Baseline random = Evaluation.randomInit(m.dir());
        EmbeddingModel model = EmbeddingModel.load(random.dir()); TUint8 x = images(pixels)) {
      float[] untrained = model.embed(x);
      assertEquals(8 * 24, untrained.length);
      assertFalse(Arrays.equals(trainingSide, untrained), "fresh weights, not the trained ones");
    }
    FineTune.Result tuned = Evaluation.fineTune(m.dir(),
        EvalData.of("fashion-mnist").withLimit(500), false,
        new FineTune.Config(0.1, 1, 25, 0.1, 0, 0), line -> { });
    // About 10% of 500, class-balanced; it ran, with the encoder restored from the export.
    assertTrue(tuned.labeledImages() >= 40 && tuned.labeledImages() <= 50, tuned.toString());
    assertTrue(tuned.steps() >= 1, tuned.toString());
    assertTrue(tuned.top1() >= 0 && tuned.top1() <= 1, "top-1 " + tuned.top1());
  }

  @Test
  void anUnregisteredNameSaysToRegisterIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TinyConfigs.pretrain("simsiam", 1).toBuilder().encoder("never-registered").build());
    assertTrue(e.getMessage().contains("unknown encoder 'never-registered'"), e.getMessage());
    assertTrue(e.getMessage().contains("Encoders.register(\"never-registered\", factory)"),
        e.getMessage());
  }

  @Test
  void namesAreNotReusedAndAFactoryMustKeepItsName() {
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> Encoders.register("small", (stem, z) -> new TwoConvEncoder()));
    assertTrue(taken.getMessage().contains("already registered (a built-in encoder)"),
        taken.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Encoders.register("has space", (stem, z) -> new TwoConvEncoder()));
    if (!Encoders.isRegistered("own-misnamed")) {
      Encoders.register("own-misnamed", (stem, z) -> new TwoConvEncoder());
    }
    IllegalStateException misnamed = assertThrows(IllegalStateException.class,
        () -> Encoders.create("own-misnamed", ResNet.Stem.CIFAR, false));
    assertTrue(misnamed.getMessage().contains("named 'own-two-conv'"), misnamed.getMessage());
    assertTrue(Encoders.names().containsAll(List.of("small", "own-misnamed")));
  }

  static TUint8 images(byte[] pixels) {
    return TUint8.tensorOf(Shape.of(8, 28, 28, 1), DataBuffers.of(pixels, true, false));
  }

  static float[] flat(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
