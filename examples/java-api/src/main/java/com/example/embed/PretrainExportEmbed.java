package com.example.embed;

import io.tfssl.data.IdxSource;
import io.tfssl.data.Split;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.nn.Encoders;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Presets;
import io.tfssl.train.TrainResult;
import io.tfssl.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;

/**
 * tf-ssl used from another project: pretrain SimSiam for a few steps on Fashion-MNIST with an
 * encoder defined here ({@link TinyConvEncoder}), export it as a SavedModel, load the export
 * back and embed the first test images.
 *
 * <p>Usage: {@code PretrainExportEmbed [WORK_DIR]}; the run and the export go into a new folder
 * under WORK_DIR (default: the system's temporary folder). Needs Fashion-MNIST's IDX files in
 * {@code /usr/share/datasets/fashion-mnist} (Debian's {@code dataset-fashion-mnist}).
 */
public final class PretrainExportEmbed {
  private static final int STEPS = 10;
  private static final int IMAGES = 6;

  public static void main(String[] args) throws IOException {
    Path parent = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    Files.createDirectories(parent);
    Path work = Files.createTempDirectory(parent, "tfssl-example-");

    // The config records only the encoder's name; trainer, exporter and evaluation rebuild the
    // network from it, so the name is registered before the config is built.
    Encoders.register(TinyConvEncoder.NAME, (stem, zeroInitResidual) -> new TinyConvEncoder());
    PretrainConfig config = Presets.get("fmnist-small", "simsiam").toBuilder()
        .encoder(TinyConvEncoder.NAME) // or leave the preset's "small"
        .batchSize(32).steps(STEPS).logEvery(5).threads(2).seed(7).build();

    Path run = work.resolve("run");
    try (Trainer trainer = Trainer.create(config, run)) {
      TrainResult r = trainer.progressBar(false).train();
      System.out.printf("pretrained %d steps: loss %.4f -> %.4f, collapse std %.3f%n",
          r.endStep(), r.firstLoss(), r.lastLoss(), r.lastCollapseStd());
    }

    ExportedModel exported = Exporter.exportRun(run, work.resolve("saved_models"),
        "fmnist-example", OptionalInt.empty());
    System.out.println("exported " + exported.dir());
    check(TinyConvEncoder.NAME.equals(exported.metadata().encoder()),
        "the export records encoder " + exported.metadata().encoder());

    IdxSource test = IdxSource.fashionMnist(Split.TEST);
    int pixels = test.height() * test.width() * test.channels();
    byte[] batch = new byte[IMAGES * pixels];
    for (int i = 0; i < IMAGES; i++) {
      test.readImage(i, batch, i * pixels);
    }
    try (EmbeddingModel model = EmbeddingModel.load(exported.dir());
        TUint8 images = TUint8.tensorOf(
            Shape.of(IMAGES, test.height(), test.width(), test.channels()),
            DataBuffers.of(batch, true, false))) {
      int d = model.embeddingDim();
      float[] embeddings = model.embed(images); // IMAGES rows of d floats
      System.out.printf("embedded %d test images: %d x %d%n", IMAGES, embeddings.length / d, d);
      check(d == new TinyConvEncoder().outputDim() && embeddings.length == IMAGES * d,
          "embeddings of " + embeddings.length + " floats, width " + d);
      for (int i = 0; i < IMAGES; i++) {
        System.out.printf("  image %d (label %d): cosine to image 0 = %.4f%n", i, test.label(i),
            cosine(embeddings, 0, i, d));
      }
    }
  }

  /** The example doubles as a check that tf-ssl works as a dependency: fail loudly. */
  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("unexpected: " + what);
    }
  }

  private static double cosine(float[] e, int a, int b, int d) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < d; k++) {
      dot += (double) e[a * d + k] * e[b * d + k];
      na += (double) e[a * d + k] * e[a * d + k];
      nb += (double) e[b * d + k] * e[b * d + k];
    }
    return dot / Math.sqrt(na * nb);
  }
}
