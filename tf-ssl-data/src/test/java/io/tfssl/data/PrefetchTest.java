package io.tfssl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class PrefetchTest {

  static Set<Thread> prefetchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(PrefetchBatchIterator.THREAD_PREFIX) && t.isAlive())
        .collect(Collectors.toSet());
  }

  static void assertGoneSoon(Set<Thread> threads) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      assertFalse(t.isAlive(), () -> t.getName() + " still running after close()");
    }
  }

  @Test
  void earlyCloseStopsTheThread() throws InterruptedException {
    Set<Thread> before = prefetchThreads();
    Dataset ds = Dataset.from(new IndexSource(100)).shuffle(1).batch(10, true).repeat().prefetch(3);
    Set<Thread> mine;
    try (BatchIterator it = ds.iterator(0)) {
      for (int i = 0; i < 4; i++) {
        it.next().close();
      }
      Thread.sleep(50); // let the producer fill the queue and block on put
      mine = prefetchThreads();
      mine.removeAll(before);
      assertEquals(1, mine.size(), "one producer thread per iterator");
      assertTrue(mine.iterator().next().isDaemon());
    }
    assertGoneSoon(mine);
  }

  @Test
  void closeBeforeFirstBatchAndTwice() throws InterruptedException {
    Set<Thread> before = prefetchThreads();
    BatchIterator it =
        Dataset.from(new IndexSource(100)).batch(10, true).repeat().prefetch(2).iterator(0);
    Set<Thread> mine = prefetchThreads();
    mine.removeAll(before);
    it.close();
    it.close();
    assertFalse(it.hasNext());
    assertThrows(IllegalStateException.class, it::next);
    assertGoneSoon(mine);
  }

  @Test
  void finiteEpochEndsAndThreadExits() throws InterruptedException {
    Set<Thread> before = prefetchThreads();
    try (BatchIterator it =
        Dataset.from(new IndexSource(9)).batch(2, false).prefetch(4).iterator(0)) {
      List<DatasetTest.Seen> all = DatasetTest.take(it, 100);
      assertEquals(5, all.size());
      assertFalse(it.hasNext());
    }
    Set<Thread> mine = prefetchThreads();
    mine.removeAll(before);
    assertGoneSoon(mine);
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(ints = {0, 1, 3})
  void producerExceptionSurfacesInNext(int prefetch) throws InterruptedException {
    Set<Thread> before = prefetchThreads();
    // Image 13 sits in batch 3 (images 12..15) of an unshuffled batch-4 pipeline.
    Dataset ds = Dataset.from(new IndexSource(40, 13)).batch(4, true).repeat().prefetch(prefetch);
    try (BatchIterator it = ds.iterator(0)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(
            i, DatasetTest.take(it.next()).index(), "batches before the failure still arrive");
      }
      IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertTrue(e.getMessage().contains("batch 3"), e.getMessage());
      assertTrue(e.getMessage().contains("boom at image 13"), e.getMessage());
      assertFalse(it.hasNext(), "a failed iterator is finished");
    }
    Set<Thread> mine = prefetchThreads();
    mine.removeAll(before);
    assertGoneSoon(mine);
  }
}
