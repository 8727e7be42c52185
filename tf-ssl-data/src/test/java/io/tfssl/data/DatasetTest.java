package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.ndarray.Shape;

class DatasetTest {

  /** What a test keeps of a batch after closing it. */
  record Seen(long index, int epoch, int[] labels, byte[] images) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Seen s
          && index == s.index
          && epoch == s.epoch
          && Arrays.equals(labels, s.labels)
          && Arrays.equals(images, s.images);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index);
    }
  }

  static Seen take(Batch b) {
    try (b) {
      byte[] bytes = new byte[(int) b.images().size()];
      b.images().asRawTensor().data().read(bytes);
      return new Seen(b.index(), b.epoch(), b.labels(), bytes);
    }
  }

  static List<Seen> take(BatchIterator it, int count) {
    List<Seen> out = new ArrayList<>();
    for (int i = 0; i < count && it.hasNext(); i++) {
      out.add(take(it.next()));
    }
    return out;
  }

  static List<Seen> takeAll(Dataset ds, long start, int count) {
    try (BatchIterator it = ds.iterator(start)) {
      return take(it, count);
    }
  }

  @Test
  void batchTensorHoldsTheImagesInOrder() {
    Dataset ds = Dataset.from(new IndexSource(5)).batch(3, false);
    try (BatchIterator it = ds.iterator();
        Batch b = it.next()) {
      assertEquals(Shape.of(3, 2, 2, 1), b.images().shape());
      assertArrayEquals(new int[] {0, 1, 2}, b.labels());
      byte[] bytes = new byte[12];
      b.images().asRawTensor().data().read(bytes);
      ByteBuffer bb = ByteBuffer.wrap(bytes);
      assertEquals(0, bb.getInt());
      assertEquals(1, bb.getInt());
      assertEquals(2, bb.getInt());
    }
  }

  @Test
  void imagesMatchLabels() {
    // Every image must be the image of its label, whatever the shuffle.
    for (Seen s :
        takeAll(Dataset.from(new IndexSource(50)).shuffle(3).batch(8, false).repeat(), 0, 20)) {
      ByteBuffer bb = ByteBuffer.wrap(s.images());
      for (int label : s.labels()) {
        assertEquals(label, bb.getInt());
      }
    }
  }

  @Test
  void sourceIndicesNameEachImageAndSurviveResume() {
    // IndexSource's label i is image i, so the indices must equal the labels, batch by batch,
    // in a shuffled stream and in a stream resumed in the middle of an epoch.
    Dataset ds = Dataset.from(new IndexSource(23)).shuffle(5).batch(4, true).repeat().prefetch(2);
    List<int[]> straight = new ArrayList<>();
    try (BatchIterator it = ds.iterator(0)) {
      for (int k = 0; k < 12; k++) {
        try (Batch b = it.next()) {
          assertArrayEquals(b.labels(), b.sourceIndices(), "batch " + k);
          assertEquals(
              b.sourceIndices().length,
              Arrays.stream(b.sourceIndices()).distinct().count(),
              "distinct in a batch");
          straight.add(b.sourceIndices());
        }
      }
    }
    try (BatchIterator it = ds.iterator(7);
        Batch b = it.next()) {
      assertArrayEquals(straight.get(7), b.sourceIndices(), "resumed at batch 7");
    }
    assertFalse(Arrays.equals(range(4), straight.get(0)), "the stream is shuffled");
  }

  @Test
  void dropRemainderVersusKeep() {
    Dataset base = Dataset.from(new IndexSource(10));
    Dataset drop = base.batch(4, true);
    Dataset keep = base.batch(4, false);
    assertEquals(2, drop.batchesPerEpoch());
    assertEquals(3, keep.batchesPerEpoch());

    List<Seen> dropped = takeAll(drop, 0, 100);
    assertEquals(2, dropped.size());
    assertArrayEquals(new int[] {4, 5, 6, 7}, dropped.get(1).labels());

    List<Seen> kept = takeAll(keep, 0, 100);
    assertEquals(3, kept.size());
    assertArrayEquals(new int[] {8, 9}, kept.get(2).labels());
    assertEquals(2 * 4, kept.get(2).images().length);

    assertEquals(
        1,
        base.batch(25, false).batchesPerEpoch(),
        "batch > size is fine when keeping the remainder");
  }

  @Test
  void oneEpochWithoutRepeat() {
    Dataset ds = Dataset.from(new IndexSource(6)).batch(2, true);
    try (BatchIterator it = ds.iterator(1)) {
      assertEquals(2, take(it, 100).size());
      assertFalse(it.hasNext());
      assertEquals(3, it.nextIndex());
      assertThrows(NoSuchElementException.class, it::next);
    }
    try (BatchIterator it = ds.iterator(3)) {
      assertFalse(it.hasNext(), "starting at the end of the single epoch yields nothing");
    }
  }

  @Test
  void shuffleIsDeterministicAndPermutesEachEpoch() {
    int size = 40;
    Dataset ds = Dataset.from(new IndexSource(size)).shuffle(7).batch(10, true).repeat();
    List<Seen> a = takeAll(ds, 0, 12);
    List<Seen> b = takeAll(ds, 0, 12);
    assertEquals(a, b, "same seed, same order");

    List<Seen> other = takeAll(ds.shuffle(8), 0, 12);
    assertNotEquals(labels(a, 0, 4), labels(other, 0, 4), "different seed, different order");

    int[] identity = range(size);
    int[] e0 = labels(a, 0, 4);
    int[] e1 = labels(a, 4, 8);
    int[] e2 = labels(a, 8, 12);
    for (int[] epoch : List.of(e0, e1, e2)) {
      assertArrayEquals(identity, sorted(epoch), "each epoch visits every index once");
      assertFalse(Arrays.equals(identity, epoch), "epoch is actually shuffled");
    }
    assertFalse(Arrays.equals(e0, e1), "epochs are reshuffled");
    assertFalse(Arrays.equals(e1, e2), "epochs are reshuffled");
    assertEquals(List.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2), a.stream().map(Seen::epoch).toList());
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(ints = {0, 2})
  void resumeYieldsWhatAnUninterruptedRunYields(int prefetch) {
    // 23 images, batch 5 kept: 5 batches per epoch, the last one of size 3.
    Dataset ds =
        Dataset.from(new IndexSource(23)).shuffle(11).batch(5, false).repeat().prefetch(prefetch);
    List<Seen> full = takeAll(ds, 0, 14);
    for (int k : new int[] {3, 4, 5, 9}) { // before, at, just after, and at the next epoch boundary
      List<Seen> resumed = takeAll(ds, k, 14 - k);
      assertEquals(full.subList(k, 14), resumed, "resume at " + k);
      assertEquals(k, resumed.get(0).index());
      assertEquals(k / 5, resumed.get(0).epoch());
    }
    try (BatchIterator it = ds.iterator(0)) {
      take(it, 6);
      assertEquals(6, it.nextIndex());
    }
  }

  @Test
  void argumentValidation() {
    Dataset ds = Dataset.from(new IndexSource(10));
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> ds.batch(0, false)), "positive", "0");
    assertMentions(assertThrows(IllegalArgumentException.class, () -> ds.batch(-3, true)), "-3");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> ds.batch(11, true)),
        "11",
        "10",
        "dropRemainder");
    assertMentions(assertThrows(IllegalArgumentException.class, () -> ds.prefetch(-1)), "-1");
    assertMentions(assertThrows(IllegalStateException.class, ds::batchesPerEpoch), "batch(");
    assertMentions(assertThrows(IllegalStateException.class, () -> ds.iterator(0)), "batch(");
    Dataset batched = ds.batch(3, false);
    assertMentions(assertThrows(IllegalArgumentException.class, () -> batched.iterator(-1)), "-1");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> batched.iterator(5)), "repeat()");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> Dataset.from(new IndexSource(0))),
        "empty");
    // the chain is immutable: configuring a copy leaves the original alone
    batched.repeat();
    try (BatchIterator it = batched.iterator(4)) {
      assertFalse(it.hasNext());
    }
  }

  @Test
  void closedBatchRefusesItsTensor() {
    Batch b;
    try (BatchIterator it = Dataset.from(new IndexSource(3)).batch(3, true).iterator()) {
      b = it.next();
    }
    b.close();
    b.close();
    assertThrows(IllegalStateException.class, b::images);
  }

  static int[] labels(List<Seen> batches, int from, int to) {
    return batches.subList(from, to).stream()
        .flatMapToInt(s -> Arrays.stream(s.labels()))
        .toArray();
  }

  static int[] range(int n) {
    int[] r = new int[n];
    Arrays.setAll(r, i -> i);
    return r;
  }

  static int[] sorted(int[] a) {
    int[] c = a.clone();
    Arrays.sort(c);
    return c;
  }
}
