package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.Example;

@Timeout(60)
class TfRecordSourceTest {

  private static final int H = 6;
  private static final int W = 5;

  @TempDir Path dir;

  /** Pixels of record {@code i}: distinct noise, exact through PNG. */
  private static byte[] pixels(int i) {
    return TestImages.noise(H, W, 3, 100 + i);
  }

  private static Example record(int i, Long label) {
    return TfRecordWriter.example(TestImages.png(pixels(i), H, W, 3), label);
  }

  /** Records {@code from..to-1}, each labeled {@code i + 1} (1-based, as in TF-slim ImageNet). */
  private static List<Example> records(int from, int to) {
    List<Example> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(record(i, (long) i + 1));
    }
    return out;
  }

  /** Byte offset of record {@code r} in a file of {@code examples}. */
  private static long offsetOf(List<Example> examples, int r) {
    long off = 0;
    for (int i = 0; i < r; i++) {
      off += 12 + examples.get(i).getSerializedSize() + 4;
    }
    return off;
  }

  private static void assertPixels(ImageSource s, int index, byte[] expected) {
    byte[] img = new byte[s.imageBytes()];
    s.readImage(index, img, 0);
    assertArrayEquals(expected, img, "image " + index);
  }

  @Test
  void readsLabelsAndPixelsAcrossFiles() throws IOException {
    Path a = TfRecordWriter.writeExamples(dir.resolve("a.tfrecord"), records(0, 3));
    Path empty = Files.createFile(dir.resolve("empty.tfrecord"));
    Path b = TfRecordWriter.writeExamples(dir.resolve("b.tfrecord"), records(3, 5));
    List<Path> files = List.of(a, empty, b);
    try (TfRecordSource s =
        TfRecordSource.builder(files).size(H, W).numClasses(5).labelOffset(-1).build()) {
      assertEquals(5, s.size());
      assertEquals(5, s.numClasses());
      assertEquals(files, s.files());
      for (int i = 0; i < 5; i++) {
        assertEquals(i, s.label(i), "1-based labels shifted by -1");
        assertPixels(s, i, pixels(i));
      }
      assertEquals(a + ": record 2 at byte offset " + offsetOf(records(0, 3), 2), s.location(2));
      assertEquals(b + ": record 0 at byte offset 0", s.location(3));
      assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(5, new byte[H * W * 3], 0));
    }
    try (TfRecordSource asIs = TfRecordSource.builder(files).size(H, W).numClasses(6).build();
        TfRecordSource unlabeled = TfRecordSource.builder(files).size(3, 3).channels(1).build()) {
      assertEquals(0, asIs.labelOffset());
      assertEquals(5, asIs.label(4), "labels kept as stored by default");
      assertEquals(0, unlabeled.numClasses());
      assertEquals(-1, unlabeled.label(4));
      assertEquals(9, unlabeled.imageBytes());
    }
  }

  @Test
  void globSelectsMatchingFilesSortedByName() {
    TfRecordWriter.writeExamples(dir.resolve("train-00001-of-00002"), records(2, 4));
    TfRecordWriter.writeExamples(dir.resolve("train-00000-of-00002"), records(0, 2));
    TfRecordWriter.writeExamples(dir.resolve("validation-00000-of-00001"), records(7, 9));
    try (TfRecordSource s =
        TfRecordSource.builder(dir, "train-*").size(H, W).numClasses(4).labelOffset(-1).build()) {
      assertEquals(
          List.of(dir.resolve("train-00000-of-00002"), dir.resolve("train-00001-of-00002")),
          s.files());
      assertEquals(dir.resolve("train-*").toString(), s.name());
      assertEquals(4, s.size());
      for (int i = 0; i < 4; i++) {
        assertEquals(i, s.label(i));
        assertPixels(s, i, pixels(i));
      }
    }
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(dir, "test-*").size(H, W).build()),
        dir.toString(),
        "test-*");
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(dir.resolve("nope"), "*").size(H, W).build()),
        "nope",
        "does not exist");
  }

  @Test
  void readsFilesWrittenByTensorFlow() {
    // TensorFlow's own TFRecord writer: an independent check of the framing and CRCs
    Path file = dir.resolve("tf-written.tfrecord");
    List<Example> examples = records(0, 3);
    String[] serialized =
        examples.stream()
            .map(e -> new String(e.toByteArray(), StandardCharsets.ISO_8859_1))
            .toArray(String[]::new);
    try (Graph g = new Graph();
        Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<?> ds =
          tf.data.tensorSliceDataset(
              List.of(tf.constant(StandardCharsets.ISO_8859_1, serialized)),
              List.of(Shape.scalar()));
      session.run(tf.data.datasetToTfRecord(ds, tf.constant(file.toString()), tf.constant("")));
    }
    try (TfRecordSource s =
        TfRecordSource.builder(List.of(file)).size(H, W).numClasses(4).build()) {
      assertEquals(3, s.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(i + 1, s.label(i));
        assertPixels(s, i, pixels(i));
      }
    }
  }

  @Test
  void badDataCrcNamesFileRecordAndOffset() throws IOException {
    List<Example> ex = records(0, 3);
    Path file = TfRecordWriter.writeExamples(dir.resolve("x.tfrecord"), ex);
    long off1 = offsetOf(ex, 1);
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) off1 + 12 + 40] ^= 0x01; // one bit inside record 1's data
    Files.write(file, bytes);
    try (TfRecordSource s =
        TfRecordSource.builder(List.of(file)).size(H, W).numClasses(3).labelOffset(-1).build()) {
      assertPixels(s, 0, pixels(0));
      DataFormatException e =
          assertThrows(DataFormatException.class, () -> s.readImage(1, new byte[90], 0));
      assertEquals(file, e.file());
      assertMentions(e, file.toString(), "record 1", "byte offset " + off1, "data CRC");
      assertMentions(
          assertThrows(DataFormatException.class, () -> s.label(1)), "record 1", "data CRC");
      assertPixels(s, 2, pixels(2));
    }
    try (TfRecordSource s =
        TfRecordSource.builder(List.of(file))
            .size(H, W)
            .numClasses(3)
            .labelOffset(-1)
            .skipBadImages(true)
            .build()) {
      assertPixels(s, 1, pixels(2));
      assertEquals(2, s.label(1), "label of the replacement");
      assertEquals(1, s.badImageCount());
      assertMentions(
          new DataFormatException(file, s.badImages().get(0)), "record 1", "byte offset " + off1);
      // a dataset over it: every record once per epoch, record 1 replaced by record 2
      try (BatchIterator it = Dataset.from(s).batch(3, true).parallelism(2).iterator();
          Batch batch = it.next()) {
        assertArrayEquals(new int[] {0, 2, 2}, batch.labels());
      }
      assertEquals(1, s.badImageCount());
    }
  }

  @Test
  void badLengthCrcFailsAtOpen() throws IOException {
    List<Example> ex = records(0, 3);
    Path file = TfRecordWriter.writeExamples(dir.resolve("x.tfrecord"), ex);
    long off1 = offsetOf(ex, 1);
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) off1 + 9] ^= 0x10; // record 1's length CRC
    Files.write(file, bytes);
    for (boolean skip : new boolean[] {false, true}) {
      DataFormatException e =
          assertThrows(
              DataFormatException.class,
              () -> TfRecordSource.builder(List.of(file)).size(H, W).skipBadImages(skip).build());
      assertEquals(file, e.file());
      assertMentions(e, "record 1", "byte offset " + off1, "length CRC");
    }
  }

  @Test
  void truncatedFileFailsAtOpen() throws IOException {
    List<Example> ex = records(0, 3);
    Path file = TfRecordWriter.writeExamples(dir.resolve("x.tfrecord"), ex);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(List.of(file)).size(H, W).build()),
        file.toString(),
        "record 2",
        "byte offset " + offsetOf(ex, 2),
        "truncated");
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 5);
    Files.write(file, longer);
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(List.of(file)).size(H, W).build()),
        file.toString(),
        "record 3",
        "byte offset " + bytes.length,
        "truncated",
        "only 5 bytes");
  }

  @Test
  void missingFeaturesNameFileRecordAndOffset() {
    List<Example> ex = new ArrayList<>(records(0, 3));
    ex.set(2, TfRecordWriter.example(null, 3L));
    Path file = TfRecordWriter.writeExamples(dir.resolve("x.tfrecord"), ex);
    try (TfRecordSource s =
        TfRecordSource.builder(List.of(file)).size(H, W).numClasses(4).build()) {
      assertMentions(
          assertThrows(DataFormatException.class, () -> s.readImage(2, new byte[90], 0)),
          file.toString(),
          "record 2",
          "byte offset " + offsetOf(ex, 2),
          "image/encoded",
          "image/class/label");
    }
    // record 0 is checked at open: a layout mismatch fails at once, even when skipping
    Path first =
        TfRecordWriter.writeExamples(
            dir.resolve("y.tfrecord"), List.of(TfRecordWriter.example(null, 1L)));
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(List.of(first)).size(H, W).skipBadImages(true).build()),
        first.toString(),
        "record 0",
        "byte offset 0",
        "image/encoded",
        "imageFeature(");
    Path noLabel =
        TfRecordWriter.writeExamples(dir.resolve("z.tfrecord"), List.of(record(0, null)));
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(List.of(noLabel)).size(H, W).numClasses(3).build()),
        "record 0",
        "image/class/label");
    try (TfRecordSource unlabeled = TfRecordSource.builder(List.of(noLabel)).size(H, W).build()) {
      assertPixels(unlabeled, 0, pixels(0));
    }
  }

  @Test
  void labelOutOfRangeIsAConfigurationErrorNeverSkipped() {
    // 1-based labels 1..3 with numClasses(3) and no offset: record 2 holds label 3
    Path file = TfRecordWriter.writeExamples(dir.resolve("x.tfrecord"), records(0, 3));
    try (TfRecordSource s =
        TfRecordSource.builder(List.of(file))
            .size(H, W)
            .numClasses(3)
            .skipBadImages(true)
            .build()) {
      assertEquals(1, s.label(0));
      assertMentions(
          assertThrows(DataFormatException.class, () -> s.readImage(2, new byte[90], 0)),
          "record 2",
          "label 3",
          "[0, 3)",
          "--label-offset",
          "--num-classes");
      assertEquals(0, s.badImageCount());
    }
    Path zero = TfRecordWriter.writeExamples(dir.resolve("y.tfrecord"), List.of(record(0, 1000L)));
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(List.of(zero)).size(H, W).numClasses(1000).build()),
        "record 0",
        "label 1000");
  }

  @Test
  void gzipFileGetsAHint() throws IOException {
    Path plain = TfRecordWriter.writeExamples(dir.resolve("x.tfrecord"), records(0, 2));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
      gz.write(Files.readAllBytes(plain));
    }
    Path gzip = Files.write(dir.resolve("x.tfrecord.gz"), buf.toByteArray());
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> TfRecordSource.builder(List.of(gzip)).size(H, W).build()),
        gzip.toString(),
        "record 0",
        "GZIP");
  }

  @Test
  void shuffledPrefetchedDatasetWorksAndLeavesNoThreads() throws InterruptedException {
    TfRecordWriter.writeExamples(dir.resolve("train-0"), records(0, 5));
    TfRecordWriter.writeExamples(dir.resolve("train-1"), records(5, 10));
    Set<Thread> before = ParallelDecodingTest.liveThreads();
    try (TfRecordSource s =
        TfRecordSource.builder(dir, "train-*").size(H, W).numClasses(10).labelOffset(-1).build()) {
      Dataset ds = Dataset.from(s).shuffle(1).batch(4, true).repeat().prefetch(2).parallelism(2);
      List<DatasetTest.Seen> seen = DatasetTest.takeAll(ds, 0, 6);
      assertEquals(
          seen,
          DatasetTest.takeAll(ds.parallelism(1).prefetch(0), 0, 6),
          "same batches without threads");
      for (DatasetTest.Seen b : seen) {
        for (int i = 0; i < 4; i++) {
          byte[] px = Arrays.copyOfRange(b.images(), i * 90, (i + 1) * 90);
          assertArrayEquals(pixels(b.labels()[i]), px, "pixels belong to their label");
        }
      }
      int[] epoch0 = DatasetTest.labels(seen, 0, 2);
      assertEquals(8, Arrays.stream(epoch0).distinct().count());
      assertFalse(Arrays.equals(epoch0, new int[] {0, 1, 2, 3, 4, 5, 6, 7}), "shuffled");
    }
    ParallelDecodingTest.assertNoNewThreads(before);
  }
}
