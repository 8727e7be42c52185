package io.tfssl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspection's numbers equal those computed directly from the file's bytes. */
class DataInspectionTest {
  @TempDir Path dir;

  @Test
  void countsLabelsAndPixelStatisticsMatchTheFile() throws Exception {
    int n = 6;
    byte[] pixels = IdxWriter.pixels(n * 3 * 4, 5);
    byte[] labels = {0, 1, 1, 2, 2, 2};
    Path images = IdxWriter.write(dir.resolve("i.idx"), IdxWriter.images(n, 3, 4, pixels), false);
    Path lab = IdxWriter.write(dir.resolve("l.idx"), IdxWriter.labels(labels), true);
    DataInspection r = DataInspection.of(IdxSource.open(images, lab), 0);
    assertEquals(n, r.images());
    assertEquals(Map.of(0, 1, 1, 2, 2, 3), r.labelHistogram());
    double sum = 0;
    double sumSq = 0;
    for (byte b : pixels) {
      sum += (b & 0xff) / 255.0;
      sumSq += Math.pow((b & 0xff) / 255.0, 2);
    }
    double mean = sum / pixels.length;
    assertArrayEquals(new double[] {mean}, r.channelMean(), 1e-12);
    assertArrayEquals(
        new double[] {Math.sqrt(sumSq / pixels.length - mean * mean)}, r.channelStd(), 1e-9);
    assertEquals(-1, r.firstBadRecord());
  }

  @Test
  void reportsTheFirstRecordThatFailsAndKeepsGoing() {
    DataInspection r = DataInspection.of(new IndexSource(10, 4), 0);
    assertEquals(4, r.firstBadRecord());
    assertTrue(r.firstBadMessage().contains("boom at image 4"), r.firstBadMessage());
    assertEquals(9, r.images());
  }

  @Test
  void limitLooksAtTheFirstImagesOnly() {
    assertEquals(3, DataInspection.of(new IndexSource(10), 3).images());
  }
}
