package io.tfssl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxSourceTest {

  private static final int N = 7;
  private static final int ROWS = 5;
  private static final int COLS = 3;

  @TempDir Path dir;

  private final byte[] pixels = IdxWriter.pixels(N * ROWS * COLS, 1);
  private final byte[] labels = {3, 0, 9, 1, (byte) 200, 2, 9};

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void roundTripIsExact(boolean gzip) throws IOException {
    // Same (misleading) names either way: gzip is detected from the magic bytes.
    Path img =
        IdxWriter.write(dir.resolve("images.idx"), IdxWriter.images(N, ROWS, COLS, pixels), gzip);
    Path lab = IdxWriter.write(dir.resolve("labels.idx"), IdxWriter.labels(labels), gzip);

    IdxSource s = IdxSource.open(img, lab);

    assertEquals(N, s.size());
    assertEquals(ROWS, s.height());
    assertEquals(COLS, s.width());
    assertEquals(1, s.channels());
    assertEquals(201, s.numClasses());
    assertEquals(img.toString(), s.name());
    byte[] all = new byte[N * ROWS * COLS + 2];
    for (int i = 0; i < N; i++) {
      s.readImage(i, all, 2 + i * ROWS * COLS);
      assertEquals(labels[i] & 0xff, s.label(i));
    }
    assertArrayEquals(pixels, Arrays.copyOfRange(all, 2, all.length));
    assertEquals(200, s.label(4), "labels are unsigned bytes");
  }

  @Test
  void unlabeledSource() throws IOException {
    Path img =
        IdxWriter.write(dir.resolve("images.idx"), IdxWriter.images(N, ROWS, COLS, pixels), false);
    IdxSource s = IdxSource.open(img, null);
    assertEquals(-1, s.label(0));
    assertEquals(0, s.numClasses());
    assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(N, new byte[ROWS * COLS], 0));
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void truncatedImages(boolean gzip) throws IOException {
    byte[] full = IdxWriter.images(N, ROWS, COLS, pixels);
    Path img =
        IdxWriter.write(dir.resolve("short-images"), Arrays.copyOf(full, full.length - 10), gzip);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(
        e,
        "short-images",
        "truncated",
        String.valueOf(N * ROWS * COLS),
        String.valueOf(N * ROWS * COLS - 10));
    assertEquals(img, e.file());
  }

  @Test
  void tooLongImages() throws IOException {
    byte[] full = IdxWriter.images(N, ROWS, COLS, pixels);
    Path img =
        IdxWriter.write(dir.resolve("long-images"), Arrays.copyOf(full, full.length + 4), false);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "long-images", "too long", String.valueOf(N * ROWS * COLS), "4 extra");
  }

  @Test
  void wrongMagic() throws IOException {
    Path img =
        IdxWriter.write(
            dir.resolve("float-images"),
            IdxWriter.idx(0x00000D03, new int[] {N, ROWS, COLS}, pixels),
            false);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "float-images", "magic", "0x00000803", "0x00000D03");
  }

  @Test
  void wrongDimensionCount() throws IOException {
    Path img =
        IdxWriter.write(
            dir.resolve("flat-images"),
            IdxWriter.idx(0x00000802, new int[] {N, ROWS * COLS}, pixels),
            false);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "flat-images", "dimensions", "expected 3", "declares 2");
  }

  @Test
  void nonPositiveDimension() throws IOException {
    Path img =
        IdxWriter.write(
            dir.resolve("empty-images"),
            IdxWriter.idx(0x00000803, new int[] {0, ROWS, COLS}, new byte[0]),
            false);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "empty-images", "dimension 0 is 0");
  }

  @Test
  void labelCountMismatchNamesBothFiles() throws IOException {
    Path img = IdxWriter.write(dir.resolve("imgs"), IdxWriter.images(N, ROWS, COLS, pixels), false);
    Path lab =
        IdxWriter.write(dir.resolve("labs"), IdxWriter.labels(Arrays.copyOf(labels, N - 1)), true);
    DataFormatException e = assertThrows(DataFormatException.class, () -> IdxSource.open(img, lab));
    assertMentions(e, img.toString(), lab.toString(), String.valueOf(N), String.valueOf(N - 1));
  }

  @Test
  void corruptGzip() throws IOException {
    Path img =
        IdxWriter.write(dir.resolve("bad.gz"), IdxWriter.images(N, ROWS, COLS, pixels), true);
    byte[] gz = Files.readAllBytes(img);
    for (int i = 12; i < gz.length - 8; i++) {
      gz[i] = (byte) ~gz[i]; // mangle the deflate stream, keep the gzip magic
    }
    Files.write(img, gz);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "bad.gz", "gzip");
  }

  @Test
  void truncatedGzip() throws IOException {
    Path img =
        IdxWriter.write(dir.resolve("cut.gz"), IdxWriter.images(N, ROWS, COLS, pixels), true);
    byte[] gz = Files.readAllBytes(img);
    Files.write(img, Arrays.copyOf(gz, gz.length / 2));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "cut.gz", "gzip");
  }

  @Test
  void missingFile() {
    Path img = dir.resolve("nope-images");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "nope-images", "does not exist");
  }

  @Test
  void mnistLikeFindsRawAndGzippedFiles() throws IOException {
    IdxWriter.write(
        dir.resolve("train-images-idx3-ubyte.gz"), IdxWriter.images(N, ROWS, COLS, pixels), true);
    IdxWriter.write(dir.resolve("train-labels-idx1-ubyte"), IdxWriter.labels(labels), false);
    IdxSource train = IdxSource.mnistLike(dir, Split.TRAIN);
    assertEquals(N, train.size());
    assertEquals(9, train.label(2));

    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.mnistLike(dir, Split.TEST));
    assertMentions(e, dir.toString(), "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  }

  @Test
  void mnistLikeMissingDirectory() {
    Path missing = dir.resolve("no-such-dir");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.mnistLike(missing, Split.TRAIN));
    assertMentions(
        e, "no-such-dir", "does not exist", "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
    assertTrue(!e.getMessage().contains("apt-get"), "install hint only for the default directory");
    assertTrue(
        IdxSource.installHint(IdxSource.FASHION_MNIST_DIR)
            .contains("apt-get install dataset-fashion-mnist"));
  }

  @Test
  void negativeDimension() throws IOException {
    Path img =
        IdxWriter.write(
            dir.resolve("neg-images"),
            IdxWriter.idx(0x00000803, new int[] {N, -ROWS, COLS}, pixels),
            false);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "neg-images", "dimension 1 is -5", "[7, -5, 3]");
  }

  @Test
  void truncatedHeader() throws IOException {
    byte[] full = IdxWriter.images(N, ROWS, COLS, pixels);
    Path img = IdxWriter.write(dir.resolve("stub-images"), Arrays.copyOf(full, 9), false);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    assertMentions(e, "stub-images", "header", "16", "found 9");
  }

  @Test
  void declaredClassCountRejectsLabelsOutsideIt() throws IOException {
    // found by InputFuzzTest: with the count inferred, one flipped label byte in MNIST
    // loaded as an 11th (or 201st) class instead of failing
    Path img =
        IdxWriter.write(dir.resolve("images.idx"), IdxWriter.images(N, ROWS, COLS, pixels), false);
    Path lab = IdxWriter.write(dir.resolve("labels.idx"), IdxWriter.labels(labels), true);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, lab, 10));
    assertEquals(lab, e.file());
    assertMentions(e, "label 200 of image 4", "0..9", "10 classes");

    assertEquals(201, IdxSource.open(img, lab, 201).numClasses());
    byte[] fewer = {
      3, 0, 1, 1, 2, 2, 0
    }; // a split without the top classes keeps the declared count
    Path small = IdxWriter.write(dir.resolve("small-labels.idx"), IdxWriter.labels(fewer), false);
    IdxSource s = IdxSource.open(img, small, 10);
    assertEquals(10, s.numClasses());
    assertEquals(3, s.label(0));
    assertEquals(4, IdxSource.open(img, small).numClasses(), "inferred when not declared");
    assertThrows(IllegalArgumentException.class, () -> IdxSource.open(img, small, 0));
  }

  @Test
  void mnistByNameHasTenClasses() throws IOException {
    IdxWriter.write(
        dir.resolve("train-images-idx3-ubyte"), IdxWriter.images(N, ROWS, COLS, pixels), false);
    IdxWriter.write(dir.resolve("train-labels-idx1-ubyte"), IdxWriter.labels(labels), false);
    assertMentions(
        assertThrows(
            DataFormatException.class,
            () -> Datasets.open("mnist", dir, Split.TRAIN, Datasets.Options.defaults())),
        dir.resolve("train-labels-idx1-ubyte").toString(),
        "label 200");
    IdxWriter.write(
        dir.resolve("train-labels-idx1-ubyte"),
        IdxWriter.labels(new byte[] {0, 1, 2, 3, 4, 5, 6}),
        false);
    assertEquals(
        10,
        Datasets.open("fashion-mnist", dir, Split.TRAIN, Datasets.Options.defaults()).numClasses());
    assertEquals(
        7,
        IdxSource.mnistLike(dir, Split.TRAIN).numClasses(),
        "mnistLike without a count infers it");
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void headerClaimingGigabytesFailsWithoutAllocatingThem(boolean gzip) throws IOException {
    // found by InputFuzzTest: a corrupt count in a 100-byte file made the loader allocate
    // the ~2 GB the header claims before finding the data missing (an OutOfMemoryError
    // under the tests' -Xmx2g instead of an error naming the file)
    int huge = (Integer.MAX_VALUE - 8) / (ROWS * COLS);
    Path img =
        IdxWriter.write(
            dir.resolve("huge-images"),
            IdxWriter.idx(0x00000803, new int[] {huge, ROWS, COLS}, pixels),
            gzip);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxSource.open(img, null));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertMentions(
        e,
        "huge-images",
        "truncated",
        String.valueOf((long) huge * ROWS * COLS),
        String.valueOf(N * ROWS * COLS));
    assertTrue(
        allocated < 16 << 20,
        "allocated " + allocated + " bytes for a " + Files.size(img) + "-byte file");
  }

  static void assertMentions(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
    }
  }
}
