package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart read back as pixels: bar areas against the differences that drew them. */
class ClaimsPlotTest {
  @TempDir Path tmp;

  /** Pixels of exactly this colour, and the mean row they sit on. */
  private static double[] countAndMeanRow(BufferedImage img, Color c) {
    long n = 0;
    double rows = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
          n++;
          rows += y;
        }
      }
    }
    return new double[] {n, n == 0 ? Double.NaN : rows / n};
  }

  @Test
  void barsAreColouredByVerdictAndSizedByTheirDifference() throws Exception {
    Path png = tmp.resolve("claims.png");
    ClaimsPlot.write(
        List.of(
            new ClaimsPlot.Bar("a", 10, 0, ClaimVerdict.Kind.REPRODUCED),
            new ClaimsPlot.Bar("b", -5, 0, ClaimVerdict.Kind.OPPOSITE)),
        "test",
        png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(ClaimsPlot.WIDTH, img.getWidth());
    assertEquals(ClaimsPlot.HEIGHT, img.getHeight());
    double[] up = countAndMeanRow(img, ClaimsPlot.COLORS.get(ClaimVerdict.Kind.REPRODUCED));
    double[] down = countAndMeanRow(img, ClaimsPlot.COLORS.get(ClaimVerdict.Kind.OPPOSITE));
    // Same bar width, heights 10 and 5 on one axis: twice the area (the legend's swatches add a
    // few pixels to both). The reproduced bar rises above zero, the opposite one hangs below it.
    assertEquals(2.0, up[0] / down[0], 0.15, up[0] + " and " + down[0] + " pixels");
    assertTrue(up[1] < down[1], "the positive bar sits higher: rows " + up[1] + ", " + down[1]);
  }

  @Test
  void nothingTestedRemovesAStaleChart() throws Exception {
    Path png = tmp.resolve("claims.png");
    Files.writeString(png, "stale");
    ClaimsPlot.write(List.of(), "test", png);
    assertFalse(Files.exists(png));
  }
}
