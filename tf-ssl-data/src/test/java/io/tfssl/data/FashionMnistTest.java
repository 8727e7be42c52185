package io.tfssl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/** Reads the real Fashion-MNIST files installed by the Debian package dataset-fashion-mnist. */
class FashionMnistTest {

  @Test
  void realFilesLoad() {
    assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR),
        IdxSource.FASHION_MNIST_DIR + " missing: apt-get install dataset-fashion-mnist");
    check(IdxSource.fashionMnist(Split.TRAIN), 60_000);
    IdxSource test = IdxSource.mnistLike(IdxSource.FASHION_MNIST_DIR, Split.TEST);
    check(test, 10_000);

    try (BatchIterator it = Dataset.from(test).shuffle(0).batch(128, true).prefetch(1).iterator(0);
        Batch b = it.next()) {
      assertEquals(Shape.of(128, 28, 28, 1), b.images().shape());
    }
  }

  private static void check(IdxSource s, int size) {
    assertEquals(size, s.size());
    assertEquals(28, s.height());
    assertEquals(28, s.width());
    assertEquals(1, s.channels());
    assertEquals(10, s.numClasses());
    int[] perClass = new int[10];
    for (int i = 0; i < s.size(); i++) {
      int label = s.label(i);
      assertTrue(label >= 0 && label <= 9, "label " + label);
      perClass[label]++;
    }
    int[] balanced = new int[10];
    Arrays.fill(balanced, size / 10);
    assertArrayEquals(balanced, perClass, "Fashion-MNIST is balanced");
    byte[] img = new byte[28 * 28];
    s.readImage(0, img, 0);
    int nonZero = 0;
    for (byte b : img) {
      nonZero += b != 0 ? 1 : 0;
    }
    assertTrue(nonZero > 50, "first image has content");
  }
}
