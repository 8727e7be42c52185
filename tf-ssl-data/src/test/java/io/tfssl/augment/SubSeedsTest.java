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
}
