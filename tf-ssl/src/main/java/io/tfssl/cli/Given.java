package io.tfssl.cli;

import java.util.List;

/**
 * A flag with its value from the command line ({@code null} when not given), for the checks that a
 * flag fits the recipe it is given with (its method, optimizer, encoder or dataset).
 */
record Given(String flag, Object value) {
  static Given of(String flag, Object value) {
    return new Given(flag, value);
  }

  /**
   * Fails naming the first given flag of {@code flags} unless they apply ({@code what}: to what).
   */
  static void rejectUnless(boolean applies, String what, List<Given> flags) {
    if (applies) {
      return;
    }
    for (Given g : flags) {
      if (g.value() != null) {
        throw new UsageException(g.flag() + " applies only to " + what);
      }
    }
  }
}
