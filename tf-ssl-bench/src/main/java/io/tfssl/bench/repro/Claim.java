package io.tfssl.bench.repro;

/**
 * A claim of the papers that a reproduction table can test: one quantity is larger than another. A
 * quantity is a row's accuracy, or the drop between two rows of the same method (seed by seed), so
 * that "BYOL loses less than SimCLR when the batch shrinks" is the claim "SimCLR's drop is larger
 * than BYOL's drop".
 *
 * @param id short name, stable across runs (the anchor in claims.md)
 * @param statement what the paper says, in one sentence
 * @param source paper, section, table or figure, and the paper's numbers
 * @param paperGap the paper's own difference between the two quantities, in points of top-1 (NaN
 *     where the paper gives no pair of numbers for it); set against this scale's noise floor
 * @param higher the quantity the claim says is larger
 * @param lower the quantity the claim says is smaller
 */
public record Claim(
    String id, String statement, String source, double paperGap, Quantity higher, Quantity lower) {

  /** For claims the paper states without a pair of numbers (a figure, or words). */
  public static final double NO_PAPER_GAP = Double.NaN;

  /**
   * A row of a table, or a row minus another row of the same table (paired by seed).
   *
   * @param table the table's name
   * @param row the row's label
   * @param minusRow null, or the row subtracted seed by seed
   */
  public record Quantity(String table, String row, String minusRow) {
    public static Quantity row(String table, String row) {
      return new Quantity(table, row, null);
    }

    /** The drop from {@code from} to {@code to}: from's value minus to's, seed by seed. */
    public static Quantity drop(String table, String from, String to) {
      return new Quantity(table, from, to);
    }

    @Override
    public String toString() {
      return minusRow == null ? row : "(" + row + ") − (" + minusRow + ")";
    }
  }
}
