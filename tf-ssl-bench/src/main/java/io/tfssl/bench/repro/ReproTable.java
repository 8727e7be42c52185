package io.tfssl.bench.repro;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A table of the lecture's papers, re-run at a scale one machine can run.
 *
 * @param name the command-line name ({@code ./tfssl bench table NAME})
 * @param title what the table shows
 * @param source the paper and table or figure reproduced
 * @param method the method whose {@code fmnist-small} recipe the rows change
 * @param smallDifferences rows differ by little: run {@link Scale#seeds()} seeds and report mean ±
 *     std (otherwise one seed: collapse against no collapse needs no error bars)
 * @param curves also plot loss, collapse std and kNN accuracy over training (SimSiam Fig. 2)
 * @param linear also run linear evaluation on an export of each run (slower)
 * @param variants the rows at a given scale; every table starts with the untrained encoder (the
 *     floor a trained row is read against: a "collapsed" row that still beats it has not lost what
 *     the architecture gives for free), added here unless the rows have an untrained one
 * @param paperScale the command that runs the same table at the papers' scale, for GPU users
 */
public record ReproTable(
    String name,
    String title,
    String source,
    String method,
    boolean smallDifferences,
    boolean curves,
    boolean linear,
    Function<Scale, List<Variant>> variants,
    String paperScale) {

  public ReproTable {
    Function<Scale, List<Variant>> rows = variants;
    variants = s -> withFloor(rows.apply(s));
  }

  private static List<Variant> withFloor(List<Variant> rows) {
    if (rows.stream().anyMatch(v -> !v.trained())) {
      return rows;
    }
    List<Variant> out = new ArrayList<>();
    out.add(Variant.randomInit(UNTRAINED, ""));
    out.addAll(rows);
    return List.copyOf(out);
  }

  /** The label of the floor row. */
  public static final String UNTRAINED = "untrained encoder";

  /** Seeds this table runs at {@code scale}. */
  public int seeds(Scale scale) {
    return smallDifferences || scale.resolving() ? scale.seeds() : 1;
  }
}
