package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.data.DatasetTest.Seen;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Data-parallel readers: each reads its slice of every global batch, together the whole batch. */
class ShardTest {

  @Test
  void shardsConcatenateToTheGlobalBatchAndNeverOverlap() {
    int workers = 3;
    int perWorker = 4;
    // 50 images, global batch 12: 4 batches an epoch, 2 images left out; three epochs.
    Dataset global =
        Dataset.from(new IndexSource(50)).shuffle(5).batch(perWorker * workers, true).repeat();
    List<Seen> expected = DatasetTest.takeAll(global, 0, 12);
    for (int k = 0; k < expected.size(); k++) {
      Set<Integer> seen = new HashSet<>();
      int[] concatenated = new int[0];
      for (int w = 0; w < workers; w++) {
        Dataset shard =
            Dataset.from(new IndexSource(50))
                .shuffle(5)
                .batch(perWorker, true)
                .repeat()
                .shard(w, workers);
        assertEquals(4, shard.batchesPerEpoch());
        Seen mine = DatasetTest.takeAll(shard, k, 1).get(0);
        assertEquals(k, mine.index());
        assertEquals(expected.get(k).epoch(), mine.epoch());
        for (int label : mine.labels()) {
          assertTrue(seen.add(label), "image " + label + " read twice in batch " + k);
        }
        concatenated =
            IntStream.concat(Arrays.stream(concatenated), Arrays.stream(mine.labels())).toArray();
      }
      assertArrayEquals(expected.get(k).labels(), concatenated, "global batch " + k);
    }
  }

  @Test
  void oneShardIsTheUnshardedPipeline() {
    Dataset plain = Dataset.from(new IndexSource(20)).shuffle(1).batch(5, true).repeat();
    assertEquals(DatasetTest.takeAll(plain, 3, 6), DatasetTest.takeAll(plain.shard(0, 1), 3, 6));
  }

  @Test
  void invalidShards() {
    Dataset ds = Dataset.from(new IndexSource(10));
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> ds.shard(2, 2)), "shard index");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> ds.shard(-1, 2)), "shard index");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> ds.shard(0, 0)), "shard index");
    assertMentions(
        assertThrows(
            IllegalStateException.class, () -> ds.batch(2, false).shard(0, 2).batchesPerEpoch()),
        "batch(n, true)");
    assertMentions(
        assertThrows(
            IllegalArgumentException.class, () -> ds.batch(4, true).shard(0, 3).batchesPerEpoch()),
        "exceeds");
  }
}
