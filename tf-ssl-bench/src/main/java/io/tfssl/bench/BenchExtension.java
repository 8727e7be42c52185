package io.tfssl.bench;

import io.tfssl.cli.CliExtension;

/** Adds {@code tfssl bench} to the command line (registered in META-INF/services). */
public final class BenchExtension implements CliExtension {
  @Override
  public Object command() {
    return new BenchCommand();
  }
}
