package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Stl10SourceTest {

  private static final int IMAGE_BYTES = Stl10Writer.IMAGE_BYTES;

  /** Train images are PixelPattern images 0..2, test 10..11, unlabeled 20..23. */
  private static final int[] TRAIN_LABELS = {1, 10, 4};

  private static final int[] TEST_LABELS = {7, 2};
  private static final int UNLABELED = 4;

  @TempDir Path dir;

  private void writeStl10(Path d) throws IOException {
    Stl10Writer.images(d.resolve("train_X.bin"), 0, TRAIN_LABELS.length);
    Stl10Writer.labels(d.resolve("train_y.bin"), TRAIN_LABELS);
    Stl10Writer.images(d.resolve("test_X.bin"), 10, TEST_LABELS.length);
    Stl10Writer.labels(d.resolve("test_y.bin"), TEST_LABELS);
    Stl10Writer.images(d.resolve("unlabeled_X.bin"), 20, UNLABELED);
  }

  private static byte[] read(ImageSource s, int index) {
    byte[] dst = new byte[IMAGE_BYTES];
    s.readImage(index, dst, 0);
    return dst;
  }

  @Test
  void trainReadsColumnMajorAsRowMajorHwcAndShiftsLabels() throws IOException {
    writeStl10(dir);
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.TRAIN)) {
      assertEquals(3, s.size());
      assertEquals(96, s.height());
      assertEquals(96, s.width());
      assertEquals(3, s.channels());
      assertEquals(10, s.numClasses());
      assertTrue(s.name().contains("STL-10 train") && s.name().contains(dir.toString()), s.name());
      byte[] dst = new byte[IMAGE_BYTES + 7];
      for (int i = 0; i < 3; i++) {
        s.readImage(i, dst, 7);
        assertArrayEquals(
            PixelPattern.hwc(i, 96), Arrays.copyOfRange(dst, 7, dst.length), "image " + i);
        assertEquals(TRAIN_LABELS[i] - 1, s.label(i), "labels 1..10 are exposed as 0..9");
      }
      // By hand: HWC pixel (row 0, col 1) comes from file offsets 96 (column 1 starts there),
      // 9216 + 96 and 18432 + 96; pixel (row 1, col 0) from offsets 1, 9217, 18433.
      byte[] raw = Stl10Writer.columnMajor(2);
      s.readImage(2, dst, 0);
      assertArrayEquals(new byte[] {raw[96], raw[9312], raw[18528]}, Arrays.copyOfRange(dst, 3, 6));
      assertArrayEquals(
          new byte[] {raw[1], raw[9217], raw[18433]}, Arrays.copyOfRange(dst, 288, 291));
    }
  }

  @Test
  void testAndUnlabeledSplits() throws IOException {
    writeStl10(dir);
    try (Stl10Source test = Stl10Source.open(dir, Stl10Split.TEST);
        Stl10Source unlabeled = Stl10Source.open(dir, Stl10Split.UNLABELED)) {
      assertEquals(2, test.size());
      assertEquals(6, test.label(0));
      assertEquals(1, test.label(1));
      assertArrayEquals(PixelPattern.hwc(11, 96), read(test, 1));

      assertEquals(UNLABELED, unlabeled.size());
      assertEquals(0, unlabeled.numClasses());
      for (int i = 0; i < UNLABELED; i++) {
        assertEquals(-1, unlabeled.label(i));
        assertArrayEquals(PixelPattern.hwc(20 + i, 96), read(unlabeled, i), "image " + i);
      }
    }
  }

  @Test
  void trainAndUnlabeledIsTrainThenUnlabeled() throws IOException {
    writeStl10(dir);
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.TRAIN_AND_UNLABELED)) {
      assertEquals(3 + UNLABELED, s.size());
      assertEquals(10, s.numClasses());
      for (int i = 0; i < 3; i++) {
        assertEquals(TRAIN_LABELS[i] - 1, s.label(i));
        assertArrayEquals(PixelPattern.hwc(i, 96), read(s, i));
      }
      for (int i = 0; i < UNLABELED; i++) {
        assertEquals(-1, s.label(3 + i));
        assertArrayEquals(PixelPattern.hwc(20 + i, 96), read(s, 3 + i));
      }
      assertThrows(
          IndexOutOfBoundsException.class,
          () -> s.readImage(3 + UNLABELED, new byte[IMAGE_BYTES], 0));
      assertThrows(
          IndexOutOfBoundsException.class, () -> s.readImage(0, new byte[IMAGE_BYTES - 1], 0));
      assertThrows(IndexOutOfBoundsException.class, () -> s.label(-1));
    }
  }

  @Test
  void acceptsTheArchiveSubFolder() throws IOException {
    writeStl10(dir.resolve("stl10_binary"));
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.UNLABELED)) {
      assertEquals(UNLABELED, s.size());
      assertTrue(s.name().contains("stl10_binary"), s.name());
    }
  }

  @Test
  void missingDirectoryAndFilesListExpectedNames() throws IOException {
    Path missing = dir.resolve("no-stl-here");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Stl10Source.open(missing, Stl10Split.TRAIN));
    assertEquals(missing, e.file());
    assertMentions(
        e, "no-stl-here", "does not exist", "train_X.bin", "train_y.bin", "stl10_binary");

    Stl10Writer.images(dir.resolve("train_X.bin"), 0, 3);
    e =
        assertThrows(
            DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.TRAIN_AND_UNLABELED));
    assertEquals(dir, e.file());
    assertMentions(e, "missing train_y.bin, unlabeled_X.bin", "expected");
  }

  @Test
  void imagesFileSizeMustMatchLabelCount() throws IOException {
    writeStl10(dir);
    Stl10Writer.images(dir.resolve("train_X.bin"), 0, 2); // 2 images for 3 labels
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.TRAIN));
    assertEquals(dir.resolve("train_X.bin"), e.file());
    assertMentions(
        e,
        "train_X.bin",
        "train_y.bin",
        "3 labels",
        "expected 3 x 27648 = 82944 bytes",
        "size 55296",
        "holds 2 images");
  }

  @Test
  void imagesFileWithPartialImage() throws IOException {
    writeStl10(dir);
    Path x = dir.resolve("unlabeled_X.bin");
    byte[] full = Files.readAllBytes(x);
    Files.write(x, Arrays.copyOf(full, full.length - 10));
    long size = full.length - 10;
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.UNLABELED));
    assertEquals(x, e.file());
    assertMentions(
        e, "unlabeled_X.bin", "size " + size, "27648", "3 x 27648 = 82944", "byte offset 82944");

    Path tx = dir.resolve("test_X.bin");
    Files.write(tx, Arrays.copyOf(Files.readAllBytes(tx), 2 * IMAGE_BYTES + 1));
    e = assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.TEST));
    assertMentions(
        e, "test_X.bin", "expected 2 x 27648 = 55296 bytes", "size 55297", "1 bytes left over");
  }

  @Test
  void emptyFiles() throws IOException {
    writeStl10(dir);
    Files.write(dir.resolve("unlabeled_X.bin"), new byte[0]);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.UNLABELED));
    assertMentions(e, "unlabeled_X.bin", "empty");

    Files.write(dir.resolve("test_y.bin"), new byte[0]);
    e = assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.TEST));
    assertEquals(dir.resolve("test_y.bin"), e.file());
    assertMentions(e, "test_y.bin", "empty");
  }

  @Test
  void labelsOutsideOneToTenNameFileAndIndex() throws IOException {
    writeStl10(dir);
    Stl10Writer.labels(dir.resolve("train_y.bin"), 3, 0, 5);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.TRAIN));
    assertEquals(dir.resolve("train_y.bin"), e.file());
    assertMentions(e, "train_y.bin", "label 0 of image 1", "1..10");

    Stl10Writer.labels(dir.resolve("test_y.bin"), 10, 11);
    e = assertThrows(DataFormatException.class, () -> Stl10Source.open(dir, Stl10Split.TEST));
    assertMentions(e, "test_y.bin", "label 11 of image 1", "byte offset 1");
  }

  @Test
  void concurrentReadsEqualSequentialReads() throws Exception {
    writeStl10(dir);
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.TRAIN_AND_UNLABELED)) {
      List<byte[]> sequential = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        sequential.add(read(s, i));
      }
      int threads = 4;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int salt = t;
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    byte[] dst = new byte[IMAGE_BYTES];
                    for (int round = 0; round < 40; round++) {
                      int i = (round * 3 + salt) % s.size();
                      s.readImage(i, dst, 0);
                      assertArrayEquals(
                          sequential.get(i), dst, "image " + i + " on thread " + salt);
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void anInterruptedReaderDoesNotBreakTheSource() throws Exception {
    writeStl10(dir);
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.UNLABELED)) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(UncheckedIOException.class, () -> read(s, 1));
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
      } finally {
        Thread.interrupted();
      }
      assertArrayEquals(PixelPattern.hwc(21, 96), read(s, 1));

      // Another thread's interrupt, as a closed prefetching iterator causes, is invisible here.
      Thread other =
          new Thread(
              () -> {
                Thread.currentThread().interrupt();
                try {
                  read(s, 0);
                } catch (UncheckedIOException expected) {
                  // the interrupted thread itself gets the exception
                }
              });
      other.start();
      other.join();
      assertArrayEquals(PixelPattern.hwc(22, 96), read(s, 2));
    }
  }

  @Test
  void closingPrefetchingIteratorsLeavesTheSourceReadable() throws IOException {
    // close() interrupts the producer, possibly inside a FileChannel read, which closes the
    // channel.
    writeStl10(dir);
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.UNLABELED)) {
      Dataset ds = Dataset.from(s).batch(1, false).repeat().prefetch(1);
      for (int round = 0; round < 5; round++) {
        try (BatchIterator it = ds.iterator()) {
          it.next().close();
        }
        assertArrayEquals(PixelPattern.hwc(20 + round % UNLABELED, 96), read(s, round % UNLABELED));
      }
    }
  }

  @Test
  void closeStopsImageReadsButNotLabels() throws IOException {
    writeStl10(dir);
    Stl10Source s = Stl10Source.open(dir, Stl10Split.TRAIN);
    s.close();
    s.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(s, 0));
    assertTrue(e.getMessage().contains("train_X.bin"), e.getMessage());
    assertEquals(0, s.label(0));
  }

  @Test
  void prefetchingDatasetRoundTrip() throws IOException {
    writeStl10(dir);
    try (Stl10Source s = Stl10Source.open(dir, Stl10Split.TRAIN)) {
      int batches = 0;
      for (DatasetTest.Seen b :
          DatasetTest.takeAll(Dataset.from(s).shuffle(7).batch(2, false).prefetch(2), 0, 10)) {
        int[] labels = b.labels();
        for (int j = 0; j < labels.length; j++) {
          int image = Arrays.asList(0, 9, 3).indexOf(labels[j]); // TRAIN_LABELS - 1
          assertArrayEquals(
              PixelPattern.hwc(image, 96),
              Arrays.copyOfRange(b.images(), j * IMAGE_BYTES, (j + 1) * IMAGE_BYTES));
        }
        batches++;
      }
      assertEquals(2, batches);
      assertFalse(s.toString().isEmpty());
    }
  }
}
