package io.tfssl.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocked TF search against brute force in plain Java double arithmetic, on a matrix with exact
 * duplicate rows (ties), a zero row and blocks that do not divide the row count.
 */
class CosineSearchTest {
  private static final int N = 61;
  private static final int D = 12;

  @TempDir Path tmp;

  /** Random rows; rows 40 and 50 copy row 3 (ties with it), row 7 is zero. */
  private static float[] matrix() {
    Random rnd = new Random(11);
    float[] m = new float[N * D];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) rnd.nextGaussian();
    }
    System.arraycopy(m, 3 * D, m, 40 * D, D);
    System.arraycopy(m, 3 * D, m, 50 * D, D);
    java.util.Arrays.fill(m, 7 * D, 8 * D, 0f);
    return m;
  }

  private static double cosine(float[] m, int a, int b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int j = 0; j < D; j++) {
      dot += (double) m[a * D + j] * m[b * D + j];
      na += (double) m[a * D + j] * m[a * D + j];
      nb += (double) m[b * D + j] * m[b * D + j];
    }
    // as the graph does: a norm below 1e-12 counts as 1e-12, so a zero row scores 0
    return dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12));
  }

  private Path file(float[] m) throws Exception {
    Path f = tmp.resolve("m.npy");
    try (NpyWriter w = new NpyWriter(f, D)) {
      w.write(m, N);
    }
    return f;
  }

  @Test
  void nearestMatchesBruteForceForEveryRowAndBlockSize() throws Exception {
    float[] m = matrix();
    Path f = file(m);
    int k = 6;
    for (int block : new int[] {7, 16, 4096}) {
      try (NpyReader db = NpyReader.open(f);
          CosineSearch s = new CosineSearch(D, block)) {
        for (int q = 0; q < N; q++) {
          float[] row = java.util.Arrays.copyOfRange(m, q * D, (q + 1) * D);
          List<CosineSearch.Hit> hits = s.nearest(row, 1, db, k).get(0);
          final int query = q;
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < N; i++) {
            order.add(i);
          }
          // best first; equal rows tie exactly and go by the lower index
          order.sort(
              Comparator.comparingDouble((Integer i) -> -round(cosine(m, query, i)))
                  .thenComparingInt(i -> i));
          assertEquals(k, hits.size());
          for (int r = 0; r < k; r++) {
            assertEquals(
                order.get(r),
                hits.get(r).index(),
                "query " + q + " rank " + r + " block " + block + ": " + hits);
            assertEquals(cosine(m, q, order.get(r)), hits.get(r).score(), 1e-5);
          }
          if (q != 7) {
            // a row finds itself (or an identical row of lower index) first, score 1
            assertEquals(1.0, hits.get(0).score(), 1e-5);
          }
        }
      }
    }
    try (NpyReader db = NpyReader.open(f);
        CosineSearch s = new CosineSearch(D, 16)) {
      float[] row3 = java.util.Arrays.copyOfRange(m, 3 * D, 4 * D);
      List<CosineSearch.Hit> hits = s.nearest(row3, 1, db, 3).get(0);
      assertEquals(List.of(3, 40, 50), hits.stream().map(CosineSearch.Hit::index).toList());
      // k above the row count gives every row
      assertEquals(N, s.nearest(row3, 1, db, 1000).get(0).size());
    }
  }

  /** Scores equal to 6 decimals are one tie (float vs double rounding); fine for this matrix. */
  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  @Test
  void pairsAboveMatchBruteForce() throws Exception {
    float[] m = matrix();
    Path f = file(m);
    for (double t : new double[] {0.999, 0.5, 0.3}) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        for (int j = i + 1; j < N; j++) {
          double c = cosine(m, i, j);
          if (Math.abs(c - t) < 1e-5) {
            throw new AssertionError("pick a threshold away from the scores: " + c);
          }
          if (c >= t) {
            expected.add(i + "-" + j);
          }
        }
      }
      for (int block : new int[] {7, 61, 100}) {
        List<String> got = new ArrayList<>();
        long[] progress = {0};
        try (NpyReader db = NpyReader.open(f);
            CosineSearch s = new CosineSearch(D, block)) {
          s.pairsAbove(
              db,
              (float) t,
              p -> {
                assertEquals(cosine(m, p.i(), p.j()), p.score(), 1e-5);
                got.add(p.i() + "-" + p.j());
              },
              done -> progress[0] = done);
          assertEquals(s.blockPairs(N), progress[0]);
        }
        assertEquals(expected, got, "threshold " + t + ", block " + block);
      }
      if (t == 0.999) {
        assertEquals(List.of("3-40", "3-50", "40-50"), expected);
      }
    }
  }
}
