package io.tfssl.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TInt64;

class SubSeedsTest {

  @Test
  void streamsAreDistinctAcrossOpsAndNeighbouringSteps() {
    try (TfHarness h = new TfHarness()) {
      List<Operand<TInt64>> all = new ArrayList<>();
      for (long step = 0; step < 4; step++) {
        SubSeeds s = new SubSeeds(h.tf, h.tf.constant(new long[] {123, step}));
        for (int id = 0; id < SubSeeds.COUNT; id++) {
          all.add(s.get(id));
        }
      }
      Session.Runner r = h.session().runner();
      all.forEach(r::fetch);
      Set<String> seen = new HashSet<>();
      try (Result res = r.run()) {
        for (int i = 0; i < all.size(); i++) {
          TInt64 t = (TInt64) res.get(i);
          seen.add(t.getLong(0) + "," + t.getLong(1));
        }
      }
      assertEquals(all.size(), seen.size(), "every (step, op) pair gets its own seed");
    }
  }

  /**
   * The table's shape is an int32 constant (int64 shapes are copied to the host every step on a
   * GPU); the seeds must be those the int64-shaped table gave, which every earlier run used.
   * Oracle: the int64-shaped op, same seed, sliced by hand.
   */
  @Test
  void seedsAreThoseOfTheInt64ShapedTable() {
    try (TfHarness h = new TfHarness()) {
      Operand<TInt64> seed = h.tf.constant(new long[] {123, 7});
      SubSeeds s = new SubSeeds(h.tf, seed);
      Operand<TInt64> oracle =
          h.tf.random.statelessRandomUniformFullInt(
              h.tf.constant(new long[] {SubSeeds.COUNT, 2}), seed, TInt64.class);
      Session.Runner r = h.session().runner().fetch(oracle);
      for (int id = 0; id < SubSeeds.COUNT; id++) {
        r.fetch(s.get(id));
      }
      try (Result res = r.run()) {
        TInt64 table = (TInt64) res.get(0);
        for (int id = 0; id < SubSeeds.COUNT; id++) {
          TInt64 got = (TInt64) res.get(id + 1);
          assertEquals(table.getLong(id, 0), got.getLong(0), "stream " + id);
          assertEquals(table.getLong(id, 1), got.getLong(1), "stream " + id);
        }
      }
    }
  }
}
