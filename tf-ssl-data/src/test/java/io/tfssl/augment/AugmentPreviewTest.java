package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tfssl.data.ImageSource;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preview is a PNG grid: one row per image, the original and its two views. */
class AugmentPreviewTest {
  @TempDir Path dir;

  /** 8×8 grayscale images, each a horizontal ramp, so a flip is visible. */
  private static final class Ramps implements ImageSource {
    public String name() {
      return "ramps";
    }

    public int size() {
      return 3;
    }

    public int height() {
      return 8;
    }

    public int width() {
      return 8;
    }

    public int channels() {
      return 1;
    }

    public void readImage(int index, byte[] dst, int offset) {
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          dst[offset + y * 8 + x] = (byte) (x * 32);
        }
      }
    }

    public int label(int index) {
      return -1;
    }

    public int numClasses() {
      return 0;
    }
  }

  @Test
  void writesOneRowPerImageWithTheOriginalFirst() throws Exception {
    Path png = dir.resolve("views.png");
    ViewPolicy flip = ViewPolicy.none().toBuilder().flipProb(1f).build();
    AugmentPreview.write(new Ramps(), ViewPolicy.none(), flip, 3, 8, 0, 2, png);
    BufferedImage img = ImageIO.read(png.toFile());
    int cell = 16;
    int gap = 4;
    assertEquals(3 * cell + 4 * gap, img.getWidth());
    assertEquals(3 * cell + 4 * gap, img.getHeight());
    // Row 0: the original's left pixel is dark, the flipped view's left pixel is bright.
    int original = img.getRGB(gap, gap) & 0xff;
    int flipped = img.getRGB(gap + 2 * (cell + gap), gap) & 0xff;
    int identity = img.getRGB(gap + (cell + gap), gap) & 0xff;
    assertEquals(0, original);
    assertEquals(original, identity, 1);
    assertNotEquals(original, flipped);
  }
}
