package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarSourceTest {

  private static final int IMAGE_BYTES = 32 * 32 * 3;

  @TempDir Path dir;

  /**
   * Writes CIFAR-10 with batches of 1, 2, 3, 1, 2 train records and 2 test records; image i has
   * label i % 10.
   */
  private void writeCifar10(Path d) throws IOException {
    int[] counts = {1, 2, 3, 1, 2};
    int image = 0;
    for (int f = 0; f < counts.length; f++) {
      byte[][] records = new byte[counts[f]][];
      for (int r = 0; r < counts[f]; r++, image++) {
        records[r] = CifarWriter.record10(image, image % 10);
      }
      CifarWriter.write(d.resolve("data_batch_" + (f + 1) + ".bin"), records);
    }
    CifarWriter.write(
        d.resolve("test_batch.bin"), CifarWriter.record10(100, 7), CifarWriter.record10(101, 0));
  }

  /**
   * Writes CIFAR-100 with 3 train records (image i: coarse 19 - i, fine 99 - 2i) and 1 test record.
   */
  private void writeCifar100(Path d) throws IOException {
    CifarWriter.write(
        d.resolve("train.bin"),
        CifarWriter.record100(0, 19, 99),
        CifarWriter.record100(1, 18, 97),
        CifarWriter.record100(2, 17, 95));
    CifarWriter.write(d.resolve("test.bin"), CifarWriter.record100(50, 0, 42));
  }

  @Test
  void cifar10TrainReadsTheFiveBatchesInOrderAsHwc() throws IOException {
    writeCifar10(dir);
    CifarSource s = CifarSource.cifar10(dir, Split.TRAIN);

    assertEquals(9, s.size());
    assertEquals(32, s.height());
    assertEquals(32, s.width());
    assertEquals(3, s.channels());
    assertEquals(10, s.numClasses());
    assertTrue(s.name().contains("CIFAR-10 train") && s.name().contains(dir.toString()), s.name());
    byte[] dst = new byte[IMAGE_BYTES + 5];
    for (int i = 0; i < s.size(); i++) {
      s.readImage(i, dst, 5);
      assertArrayEquals(
          PixelPattern.hwc(i, 32), Arrays.copyOfRange(dst, 5, dst.length), "image " + i);
      assertEquals(i % 10, s.label(i));
      assertEquals(i % 10, s.fineLabel(i));
    }
    // Spot-check the layout by hand: pixel (row 0, col 1) is R, G, B of planar offsets 1, 1025,
    // 2049.
    byte[] planar = CifarWriter.planar(4);
    s.readImage(4, dst, 0);
    assertArrayEquals(
        new byte[] {planar[1], planar[1025], planar[2049]}, Arrays.copyOfRange(dst, 3, 6));
    assertArrayEquals(
        new byte[] {planar[32], planar[1056], planar[2080]}, Arrays.copyOfRange(dst, 96, 99));
  }

  @Test
  void cifar10TestReadsTestBatchOnly() throws IOException {
    writeCifar10(dir);
    CifarSource s = CifarSource.cifar10(dir, Split.TEST);
    assertEquals(2, s.size());
    assertEquals(7, s.label(0));
    assertEquals(0, s.label(1));
    byte[] dst = new byte[IMAGE_BYTES];
    s.readImage(1, dst, 0);
    assertArrayEquals(PixelPattern.hwc(101, 32), dst);
  }

  @Test
  void cifar100FineAndCoarseLabels() throws IOException {
    writeCifar100(dir);
    CifarSource fine = CifarSource.cifar100(dir, Split.TRAIN);
    assertEquals(3, fine.size());
    assertEquals(100, fine.numClasses());
    assertEquals(CifarSource.LabelKind.FINE, fine.labelKind());
    assertTrue(fine.hasCoarseLabels());
    byte[] dst = new byte[IMAGE_BYTES];
    for (int i = 0; i < 3; i++) {
      assertEquals(99 - 2 * i, fine.label(i));
      assertEquals(99 - 2 * i, fine.fineLabel(i));
      assertEquals(19 - i, fine.coarseLabel(i));
      fine.readImage(i, dst, 0);
      assertArrayEquals(PixelPattern.hwc(i, 32), dst, "image " + i);
    }

    CifarSource coarse = CifarSource.cifar100(dir, Split.TRAIN, CifarSource.LabelKind.COARSE);
    assertEquals(20, coarse.numClasses());
    assertEquals(17, coarse.label(2));
    assertEquals(95, coarse.fineLabel(2));

    CifarSource view = fine.withLabelKind(CifarSource.LabelKind.COARSE);
    assertEquals(18, view.label(1));
    assertEquals(20, view.numClasses());
    assertSame(fine, fine.withLabelKind(CifarSource.LabelKind.FINE));

    CifarSource test = CifarSource.cifar100(dir, Split.TEST);
    assertEquals(1, test.size());
    assertEquals(42, test.label(0));
    assertEquals(0, test.coarseLabel(0));
    test.readImage(0, dst, 0);
    assertArrayEquals(PixelPattern.hwc(50, 32), dst);
  }

  @Test
  void cifar10HasNoCoarseLabels() throws IOException {
    writeCifar10(dir);
    CifarSource s = CifarSource.cifar10(dir, Split.TEST);
    assertTrue(!s.hasCoarseLabels());
    assertThrows(UnsupportedOperationException.class, () -> s.coarseLabel(0));
    assertThrows(
        IllegalArgumentException.class, () -> s.withLabelKind(CifarSource.LabelKind.COARSE));
  }

  @Test
  void acceptsTheArchiveSubFolders() throws IOException {
    writeCifar10(dir.resolve("cifar-10-batches-bin"));
    writeCifar100(dir.resolve("cifar-100-binary"));
    CifarSource c10 = CifarSource.cifar10(dir, Split.TRAIN);
    assertEquals(9, c10.size());
    assertTrue(c10.name().contains("cifar-10-batches-bin"), c10.name());
    assertEquals(3, CifarSource.cifar100(dir, Split.TRAIN).size());
    assertEquals(2, CifarSource.cifar10(dir.resolve("cifar-10-batches-bin"), Split.TEST).size());
  }

  @Test
  void readImageChecksBounds() throws IOException {
    writeCifar10(dir);
    CifarSource s = CifarSource.cifar10(dir, Split.TEST);
    assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(2, new byte[IMAGE_BYTES], 0));
    assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(-1, new byte[IMAGE_BYTES], 0));
    assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(0, new byte[IMAGE_BYTES], 1));
    assertThrows(IndexOutOfBoundsException.class, () -> s.label(2));
  }

  @Test
  void missingDirectoryListsExpectedFiles() {
    Path missing = dir.resolve("no-cifar-here");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar10(missing, Split.TRAIN));
    assertMentions(
        e,
        "no-cifar-here",
        "does not exist",
        "data_batch_1.bin",
        "data_batch_5.bin",
        "test_batch.bin",
        "cifar-10-batches-bin");
    assertEquals(missing, e.file());
    e = assertThrows(DataFormatException.class, () -> CifarSource.cifar100(missing, Split.TEST));
    assertMentions(e, "no-cifar-here", "train.bin", "test.bin", "cifar-100-binary");
  }

  @Test
  void missingFilesAreAllNamed() throws IOException {
    writeCifar10(dir);
    Files.delete(dir.resolve("data_batch_2.bin"));
    Files.delete(dir.resolve("data_batch_4.bin"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar10(dir, Split.TRAIN));
    assertMentions(e, dir.toString(), "missing data_batch_2.bin, data_batch_4.bin", "expected");
    assertEquals(dir, e.file());
    assertEquals(
        2, CifarSource.cifar10(dir, Split.TEST).size(), "the test split needs only test_batch.bin");

    DataFormatException e100 =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar100(dir, Split.TRAIN));
    assertMentions(e100, "missing train.bin", "CIFAR-100");
  }

  @Test
  void partialRecordGivesSizeRecordSizeAndOffset() throws IOException {
    writeCifar10(dir);
    Path f = dir.resolve("data_batch_3.bin");
    byte[] full = Files.readAllBytes(f); // 3 records
    Files.write(f, Arrays.copyOf(full, 2 * 3073 + 100));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar10(dir, Split.TRAIN));
    assertEquals(f, e.file());
    assertMentions(
        e,
        "data_batch_3.bin",
        "size " + (2 * 3073 + 100),
        "3073-byte",
        "2 whole records",
        "partial record of 100 bytes",
        "byte offset " + 2 * 3073);
  }

  @Test
  void partialCifar100Record() throws IOException {
    writeCifar100(dir);
    Path f = dir.resolve("test.bin");
    Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 3073)); // a CIFAR-10-sized record
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar100(dir, Split.TEST));
    assertMentions(e, "test.bin", "size 3073", "3074-byte", "0 whole records", "byte offset 0");
  }

  @Test
  void emptyFile() throws IOException {
    writeCifar10(dir);
    Path f = dir.resolve("test_batch.bin");
    Files.write(f, new byte[0]);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar10(dir, Split.TEST));
    assertEquals(f, e.file());
    assertMentions(e, "test_batch.bin", "empty");
  }

  @Test
  void cifar10LabelOutOfRangeGivesRecordAndOffset() throws IOException {
    writeCifar10(dir);
    CifarWriter.write(
        dir.resolve("data_batch_5.bin"), CifarWriter.record10(0, 9), CifarWriter.record10(1, 10));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar10(dir, Split.TRAIN));
    assertEquals(dir.resolve("data_batch_5.bin"), e.file());
    assertMentions(e, "data_batch_5.bin", "record 1", "label 10", "byte offset 3073", "0..9");
  }

  @Test
  void cifar100LabelsOutOfRangeGiveRecordAndOffset() throws IOException {
    writeCifar100(dir);
    Path train = dir.resolve("train.bin");
    CifarWriter.write(
        train,
        CifarWriter.record100(0, 3, 4),
        CifarWriter.record100(1, 2, 1),
        CifarWriter.record100(2, 5, 100));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarSource.cifar100(dir, Split.TRAIN));
    assertEquals(train, e.file());
    assertMentions(
        e, "train.bin", "record 2", "fine label 100", "byte offset " + (2 * 3074 + 1), "0..99");

    CifarWriter.write(train, CifarWriter.record100(0, 3, 4), CifarWriter.record100(1, 20, 1));
    e = assertThrows(DataFormatException.class, () -> CifarSource.cifar100(dir, Split.TRAIN));
    assertMentions(e, "train.bin", "record 1", "coarse label 20", "byte offset 3074", "0..19");
  }

  @Test
  void shuffledBatchedDatasetRoundTrip() throws IOException {
    // Ten test images with labels 0..9, so a label identifies its image whatever the shuffle.
    byte[][] records = new byte[10][];
    int[] imageOfLabel = {13, 4, 27, 8, 1, 30, 16, 22, 9, 5};
    for (int label = 0; label < 10; label++) {
      records[label] = CifarWriter.record10(imageOfLabel[label], label);
    }
    CifarWriter.write(dir.resolve("test_batch.bin"), records);
    CifarSource s = CifarSource.cifar10(dir, Split.TEST);

    Set<Integer> seen = new HashSet<>();
    int batches = 0;
    for (DatasetTest.Seen b :
        DatasetTest.takeAll(Dataset.from(s).shuffle(7).batch(4, false), 0, 100)) {
      batches++;
      int[] labels = b.labels();
      for (int j = 0; j < labels.length; j++) {
        assertTrue(seen.add(labels[j]), "label " + labels[j] + " twice in one epoch");
        assertArrayEquals(
            PixelPattern.hwc(imageOfLabel[labels[j]], 32),
            Arrays.copyOfRange(b.images(), j * IMAGE_BYTES, (j + 1) * IMAGE_BYTES));
      }
    }
    assertEquals(3, batches);
    assertEquals(10, seen.size());
  }
}
