package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

@Timeout(60)
class ImageFolderSourceTest {

  @TempDir Path dir;

  /** Writes a 6x5 RGB noise PNG (exact on read-back) and returns its pixels. */
  private byte[] png(Path file, long seed) {
    byte[] px = TestImages.noise(6, 5, 3, seed);
    TestImages.write(file, TestImages.png(px, 6, 5, 3));
    return px;
  }

  @Test
  void classFoldersGiveSortedLabelsAndExactPixels() {
    Path root = dir.resolve("train");
    byte[] cat1 = png(root.resolve("cat/b.PNG"), 1);
    byte[] cat0 = png(root.resolve("cat/a.png"), 2);
    byte[] ant0 = png(root.resolve("ant/z.Png"), 3);
    TestImages.write(
        root.resolve("dog/x.JPEG"), TestImages.jpeg(TestImages.gradient(6, 5, 3, 1), 6, 5, 3));
    TestImages.write(
        root.resolve("dog/y.jpg"), TestImages.jpeg(TestImages.gradient(9, 9, 3, 2), 9, 9, 3));
    // ignored: other extensions, hidden files, nested folders, hidden class folders
    TestImages.write(root.resolve("dog/notes.txt"), "hello".getBytes());
    TestImages.write(root.resolve("dog/._x.jpg"), "mac resource fork".getBytes());
    TestImages.write(root.resolve("dog/deeper/y.png"), TestImages.png(cat0, 6, 5, 3));
    TestImages.write(root.resolve(".cache/a.png"), TestImages.png(cat0, 6, 5, 3));

    try (ImageFolderSource s = ImageFolderSource.builder(root).size(6, 5).build()) {
      assertEquals(List.of("ant", "cat", "dog"), s.classNames());
      assertEquals(3, s.numClasses());
      assertEquals(5, s.size());
      assertEquals(root.toString(), s.name());
      assertEquals(
          List.of("ant/z.Png", "cat/a.png", "cat/b.PNG", "dog/x.JPEG", "dog/y.jpg"),
          java.util.stream.IntStream.range(0, 5)
              .mapToObj(i -> root.relativize(s.file(i)).toString())
              .toList());
      int[] labels = java.util.stream.IntStream.range(0, 5).map(s::label).toArray();
      assertArrayEquals(new int[] {0, 1, 1, 2, 2}, labels);
      byte[] img = new byte[s.imageBytes()];
      s.readImage(0, img, 0);
      assertArrayEquals(ant0, img);
      s.readImage(1, img, 0);
      assertArrayEquals(cat0, img);
      s.readImage(2, img, 0);
      assertArrayEquals(cat1, img);
      s.readImage(4, img, 0); // a 9x9 JPEG center-cropped to 6x5
      assertEquals(0, s.badImageCount());
      assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(5, new byte[90], 0));
      assertThrows(IndexOutOfBoundsException.class, () -> s.readImage(0, new byte[89], 0));
    }
  }

  @Test
  void flatFolderIsUnlabeledAndResizedToTheTarget() {
    for (int i = 0; i < 3; i++) {
      int h = 5 + 7 * i;
      int w = 11 - 2 * i;
      TestImages.write(
          dir.resolve("img" + i + ".jpg"),
          TestImages.jpeg(TestImages.gradient(h, w, 3, i), h, w, 3));
    }
    try (ImageFolderSource s = ImageFolderSource.builder(dir).size(4, 7).channels(1).build()) {
      assertEquals(0, s.numClasses());
      assertEquals(List.of(), s.classNames());
      assertEquals(-1, s.label(2));
      assertEquals(4 * 7, s.imageBytes());
      try (BatchIterator it = Dataset.from(s).batch(3, true).iterator();
          Batch b = it.next()) {
        assertEquals(Shape.of(3, 4, 7, 1), b.images().shape());
        assertArrayEquals(new int[] {-1, -1, -1}, b.labels());
      }
    }
  }

  @Test
  void folderErrorsNameTheFolder() throws IOException {
    Path missing = dir.resolve("nope");
    assertMentions(
        assertThrows(DataFormatException.class, () -> ImageFolderSource.open(missing, 4, 4, 3)),
        missing.toString(),
        "does not exist");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    TestImages.write(empty.resolve("readme.txt"), "no images".getBytes());
    assertMentions(
        assertThrows(DataFormatException.class, () -> ImageFolderSource.open(empty, 4, 4, 3)),
        empty.toString(),
        "no images");
    Path root = dir.resolve("classes");
    png(root.resolve("a/1.png"), 1);
    Files.createDirectories(root.resolve("b"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> ImageFolderSource.open(root, 4, 4, 3));
    assertEquals(root.resolve("b"), e.file());
    assertMentions(e, "class folder holds no images");
    Path mixed = dir.resolve("mixed");
    png(mixed.resolve("a/1.png"), 1);
    png(mixed.resolve("2.png"), 2);
    assertMentions(
        assertThrows(DataFormatException.class, () -> ImageFolderSource.open(mixed, 4, 4, 3)),
        mixed.toString(),
        "mixes");
    assertMentions(
        assertThrows(IllegalStateException.class, () -> ImageFolderSource.builder(mixed).build()),
        "size(");
    assertThrows(
        IllegalArgumentException.class, () -> ImageFolderSource.builder(mixed).channels(2));
  }

  @Test
  void corruptImageFailsNamingTheFile() {
    png(dir.resolve("c/0.png"), 1);
    Path bad =
        TestImages.write(
            dir.resolve("c/1.png"),
            Arrays.copyOf(TestImages.png(TestImages.noise(6, 5, 3, 2), 6, 5, 3), 60));
    png(dir.resolve("c/2.png"), 3);
    try (ImageFolderSource s = ImageFolderSource.open(dir, 6, 5, 3)) {
      DataFormatException e =
          assertThrows(DataFormatException.class, () -> s.readImage(1, new byte[90], 0));
      assertEquals(bad, e.file());
      assertMentions(e, bad.toString(), "cannot decode");
      // through a dataset: the batch fails, naming batch and file
      for (int threads : new int[] {1, 3}) {
        try (BatchIterator it = Dataset.from(s).batch(3, true).parallelism(threads).iterator()) {
          IllegalStateException ise = assertThrows(IllegalStateException.class, it::next);
          assertInstanceOf(DataFormatException.class, ise.getCause());
          assertMentions(ise, "batch 0", bad.toString());
        }
      }
      assertEquals(0, s.badImageCount(), "nothing is skipped unless asked");
    }
  }

  @Test
  void skipBadImagesReplacesByTheNextGoodImageAndCounts() {
    // class a: 0 good, 1 bad, 2 bad, 3 good; class b: 4 good, 5 bad (replaced by 0, wrapping)
    byte[] a0 = png(dir.resolve("a/0.png"), 10);
    TestImages.write(dir.resolve("a/1.png"), "garbage".getBytes());
    TestImages.write(dir.resolve("a/2.jpg"), new byte[0]);
    byte[] a3 = png(dir.resolve("a/3.png"), 13);
    byte[] b4 = png(dir.resolve("b/4.png"), 14);
    TestImages.write(dir.resolve("b/5.png"), Arrays.copyOf(TestImages.png(b4, 6, 5, 3), 70));
    try (ImageFolderSource s =
        ImageFolderSource.builder(dir).size(6, 5).skipBadImages(true).build()) {
      assertTrue(s.skipBadImages());
      assertEquals(
          0, s.label(5), "label() of a bad image is the replacement's label, even before a read");
      byte[] img = new byte[s.imageBytes()];
      s.readImage(5, img, 0);
      assertArrayEquals(a0, img, "the last image wraps around to image 0");
      s.readImage(1, img, 0);
      assertArrayEquals(a3, img);
      assertEquals(0, s.label(1));
      s.readImage(2, img, 0);
      assertArrayEquals(a3, img);
      s.readImage(1, img, 0);
      assertEquals(3, s.badImageCount(), "each bad image counted once");
      List<String> bad = s.badImages();
      assertTrue(bad.get(0).contains(dir.resolve("a/1.png").toString()), bad.toString());
      assertTrue(bad.get(1).contains(dir.resolve("a/2.jpg").toString()), bad.toString());
      assertTrue(bad.get(2).contains(dir.resolve("b/5.png").toString()), bad.toString());
      // a dataset over it: same batches with any thread count, labels follow the pixels
      Dataset ds = Dataset.from(s).shuffle(3).batch(4, false).repeat();
      List<DatasetTest.Seen> one = DatasetTest.takeAll(ds.parallelism(1), 0, 6);
      List<DatasetTest.Seen> three = DatasetTest.takeAll(ds.parallelism(3), 0, 6);
      assertEquals(one, three);
      for (DatasetTest.Seen seen : one) {
        for (int i = 0; i < seen.labels().length; i++) {
          byte[] px = Arrays.copyOfRange(seen.images(), i * 90, (i + 1) * 90);
          int expected = Arrays.equals(px, b4) ? 1 : 0;
          assertEquals(expected, seen.labels()[i]);
          assertTrue(Arrays.equals(px, a0) || Arrays.equals(px, a3) || Arrays.equals(px, b4));
        }
      }
      assertEquals(3, s.badImageCount());
    }
  }

  @Test
  void allImagesBadIsAnErrorEvenWhenSkipping() {
    TestImages.write(dir.resolve("0.png"), "x".getBytes());
    TestImages.write(dir.resolve("1.png"), "y".getBytes());
    try (ImageFolderSource s =
        ImageFolderSource.builder(dir).size(2, 2).skipBadImages(true).build()) {
      assertMentions(
          assertThrows(DataFormatException.class, () -> s.readImage(0, new byte[12], 0)),
          dir.toString(),
          "none of the 2 images");
    }
  }

  @Test
  void shuffledPrefetchedDatasetWorksAndLeavesNoThreads() throws InterruptedException {
    Set<byte[]> images = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      images.add(png(dir.resolve("c" + (i % 3) + "/" + i + ".png"), i));
    }
    Set<Thread> before = ParallelDecodingTest.liveThreads();
    ImageFolderSource closedLater;
    try (ImageFolderSource s = ImageFolderSource.open(dir, 6, 5, 3)) {
      closedLater = s;
      Dataset ds = Dataset.from(s).shuffle(5).batch(4, true).repeat().prefetch(2).parallelism(2);
      List<DatasetTest.Seen> seen = DatasetTest.takeAll(ds, 0, 5);
      assertEquals(5, seen.size());
      int[] epoch0 = DatasetTest.labels(seen, 0, 3);
      assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, DatasetTest.sorted(epoch0));
      for (DatasetTest.Seen b : seen) {
        for (int i = 0; i < 4; i++) {
          byte[] px = Arrays.copyOfRange(b.images(), i * 90, (i + 1) * 90);
          assertTrue(
              images.stream().anyMatch(p -> Arrays.equals(p, px)),
              "every image is one of the files");
        }
      }
    }
    ParallelDecodingTest.assertNoNewThreads(before);
    assertThrows(IllegalStateException.class, () -> closedLater.readImage(0, new byte[90], 0));
  }
}
