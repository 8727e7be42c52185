package io.tfssl.bench.repro;

import io.tfssl.train.PretrainConfig;
import java.util.function.UnaryOperator;

/**
 * One row of a reproduction table: a change to the method's {@code fmnist-small} recipe.
 *
 * @param label the row's name, as the paper's table words it
 * @param paper the paper's ImageNet number for orientation (text, with its source), or ""
 * @param method the method whose recipe this row starts from; null for the table's method
 * @param change applied to the base config (already at the table's scale and seed)
 * @param trained false for a row that evaluates the encoder at initialization
 */
public record Variant(
    String label,
    String paper,
    String method,
    UnaryOperator<PretrainConfig> change,
    boolean trained) {

  public static Variant of(String label, String paper, UnaryOperator<PretrainConfig> change) {
    return new Variant(label, paper, null, change, true);
  }

  /** The encoder untrained: the floor every trained row is read against. */
  public static Variant randomInit(String label, String paper) {
    return new Variant(label, paper, null, UnaryOperator.identity(), false);
  }

  /** Another method's recipe, unchanged (the methods table). */
  public static Variant method(String method, String paper) {
    return new Variant(method, paper, method, UnaryOperator.identity(), true);
  }
}
