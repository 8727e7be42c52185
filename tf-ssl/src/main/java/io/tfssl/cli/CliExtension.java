package io.tfssl.cli;

/**
 * A subcommand contributed by another module (registered in {@code
 * META-INF/services/io.tfssl.cli.CliExtension}).
 */
public interface CliExtension {
  /** A picocli {@code @Command} object. */
  Object command();
}
