package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ParallelDecodingTest {

  @TempDir Path dir;

  /** The live pipeline threads: prefetch producers and decoding pool workers. */
  static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                t.isAlive()
                    && (t.getName().startsWith(BatchAssembler.THREAD_PREFIX)
                        || t.getName().startsWith(PrefetchBatchIterator.THREAD_PREFIX)))
        .collect(Collectors.toSet());
  }

  /** Fails unless every pipeline thread started since {@code before} has ended within 5 s. */
  static void assertNoNewThreads(Set<Thread> before) throws InterruptedException {
    Set<Thread> mine = new HashSet<>(liveThreads());
    mine.removeAll(before);
    long deadline = System.nanoTime() + 5_000_000_000L;
    for (Thread t : mine) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      assertFalse(t.isAlive(), () -> t.getName() + " still running after close()");
    }
  }

  /**
   * {@link IndexSource} images that take {@code delayMillis} to read, failing at {@code failAt};
   * index {@code slowFail} fails only after a longer delay, so that in a parallel batch a later
   * image fails first in time.
   */
  static final class SlowSource implements ImageSource {
    private final IndexSource inner;
    private final long delayMillis;
    private final Set<Integer> failAt;
    private final int slowFail;

    SlowSource(int size, long delayMillis, Set<Integer> failAt, int slowFail) {
      this.inner = new IndexSource(size);
      this.delayMillis = delayMillis;
      this.failAt = failAt;
      this.slowFail = slowFail;
    }

    @Override
    public String name() {
      return "slow-source";
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public int height() {
      return 2;
    }

    @Override
    public int width() {
      return 2;
    }

    @Override
    public int channels() {
      return 1;
    }

    @Override
    public void readImage(int index, byte[] dst, int offset) {
      try {
        Thread.sleep(index == slowFail ? 20 * delayMillis : delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failAt.contains(index)) {
        throw new IllegalArgumentException("boom at image " + index);
      }
      inner.readImage(index, dst, offset);
    }

    @Override
    public int label(int index) {
      return inner.label(index);
    }

    @Override
    public int numClasses() {
      return inner.numClasses();
    }
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(ints = {0, 2})
  void sameBatchesForAnyThreadCount(int prefetch) {
    Dataset ds =
        Dataset.from(new IndexSource(50)).shuffle(9).batch(7, false).repeat().prefetch(prefetch);
    List<DatasetTest.Seen> one = DatasetTest.takeAll(ds, 0, 16);
    for (int threads : new int[] {2, 4, 16}) {
      assertEquals(one, DatasetTest.takeAll(ds.parallelism(threads), 0, 16), threads + " threads");
      assertEquals(
          one.subList(5, 16),
          DatasetTest.takeAll(ds.parallelism(threads), 5, 11),
          "resume, " + threads + " threads");
    }
  }

  @Test
  void sameDecodedBatchesForAnyThreadCount() throws InterruptedException {
    for (int i = 0; i < 18; i++) {
      int h = 6 + i % 5;
      int w = 12 - i % 4;
      byte[] px = TestImages.gradient(h, w, 3, i);
      TestImages.write(
          dir.resolve("k" + i % 2 + "/" + i + (i % 3 == 0 ? ".jpg" : ".png")),
          i % 3 == 0 ? TestImages.jpeg(px, h, w, 3) : TestImages.png(px, h, w, 3));
    }
    Set<Thread> before = liveThreads();
    try (ImageFolderSource s = ImageFolderSource.open(dir, 8, 8, 3)) {
      assertEquals(
          Runtime.getRuntime().availableProcessors(),
          Dataset.from(s).parallelism(),
          "decoding sources default to one thread per processor");
      Dataset ds = Dataset.from(s).shuffle(2).batch(5, false).repeat();
      List<DatasetTest.Seen> one = DatasetTest.takeAll(ds.parallelism(1), 0, 8);
      assertEquals(one, DatasetTest.takeAll(ds.parallelism(4), 0, 8));
      assertEquals(one, DatasetTest.takeAll(ds.parallelism(3).prefetch(2), 0, 8));
    }
    assertNoNewThreads(before);
  }

  @Test
  void inMemorySourcesDefaultToOneThreadAndNoPool() {
    Dataset ds = Dataset.from(new IndexSource(40)).batch(8, true).repeat();
    assertEquals(1, ds.parallelism());
    assertEquals(5, ds.parallelism(5).parallelism());
    assertMentions(assertThrows(IllegalArgumentException.class, () -> ds.parallelism(0)), "0");
    Set<Thread> before = liveThreads();
    try (BatchIterator it = ds.iterator()) {
      DatasetTest.take(it, 3);
      Set<Thread> now = new HashSet<>(liveThreads());
      now.removeAll(before);
      assertEquals(Set.of(), now, "no pool threads for an in-memory source");
    }
    assertTrue(ds.parallelism(3).toString().contains("parallelism(3)"));
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(ints = {0, 2})
  void theEarliestFailureInTheBatchIsReported(int prefetch) throws InterruptedException {
    Set<Thread> before = liveThreads();
    // batch 1 holds images 8..15; image 9 fails late, image 12 fails early
    Dataset ds =
        Dataset.from(new SlowSource(32, 2, Set.of(9, 12), 9))
            .batch(8, true)
            .prefetch(prefetch)
            .parallelism(4);
    try (BatchIterator it = ds.iterator()) {
      assertEquals(0, DatasetTest.take(it.next()).index());
      IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertMentions(e, "batch 1", "boom at image 9");
      assertFalse(it.hasNext());
    }
    assertNoNewThreads(before);
  }

  @Test
  void closeStopsTheDecodingThreadsMidStream() throws InterruptedException {
    Set<Thread> before = liveThreads();
    Dataset ds =
        Dataset.from(new SlowSource(64, 3, Set.of(), -1))
            .batch(8, true)
            .repeat()
            .prefetch(2)
            .parallelism(3);
    try (BatchIterator it = ds.iterator()) {
      DatasetTest.take(it, 2);
      Set<Thread> mine = new HashSet<>(liveThreads());
      mine.removeAll(before);
      assertEquals(3, mine.size(), "one prefetch thread and two decoding threads: " + mine);
      assertTrue(mine.stream().allMatch(Thread::isDaemon));
    }
    assertNoNewThreads(before);
    BatchIterator unused = ds.iterator(3);
    unused.close();
    unused.close();
    assertNoNewThreads(before);
  }
}
