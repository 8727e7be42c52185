package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretraining on a folder of color images, with and without --skip-bad-images. */
class FolderPretrainTest {
  @TempDir Path tmp;

  private Path folderWithOneCorruptImage() throws Exception {
    Random r = new Random(3);
    Path root = tmp.resolve("images");
    for (int i = 0; i < 24; i++) {
      Path dir = root.resolve(i % 2 == 0 ? "cats" : "dogs");
      Files.createDirectories(dir);
      BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 20; y++) {
        for (int x = 0; x < 20; x++) {
          img.setRGB(x, y, r.nextInt(1 << 24));
        }
      }
      ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
    }
    Files.write(
        root.resolve("dogs").resolve("broken.png"),
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    return root;
  }

  private PretrainConfig config(Path data, boolean skip) {
    return TinyConfigs.pretrain("simsiam", 4).toBuilder()
        .dataset("folder")
        .dataDir(data.toString())
        .imageSize(16)
        .batchSize(8)
        .skipBadImages(skip)
        .build();
  }

  @Test
  void badImagesAreSkippedCountedAndReported() throws Exception {
    Path data = folderWithOneCorruptImage();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Trainer t = Trainer.create(config(data, true), tmp.resolve("run"))) {
      TrainResult r = t.progressBar(false).log(new PrintStream(log, true)).train();
      assertEquals(4, r.endStep());
      assertTrue(Double.isFinite(r.lastLoss()));
    }
    assertTrue(log.toString().contains("skipped 1 undecodable image"), log.toString());
    assertTrue(log.toString().contains("broken.png"), log.toString());
  }

  @Test
  void withoutSkippingABadImageStopsTheRunNamingTheFile() throws Exception {
    Path data = folderWithOneCorruptImage();
    try (Trainer t = Trainer.create(config(data, false), tmp.resolve("strict"))) {
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () -> t.progressBar(false).log(new PrintStream(new ByteArrayOutputStream())).train());
      String all = e + " " + (e.getCause() == null ? "" : e.getCause().toString());
      assertTrue(all.contains("broken.png"), all);
    }
  }
}
