package io.tfssl.cli;

import io.tfssl.data.DataFormatException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear line instead of a stack trace: usage errors (bad values, options
 * that don't apply, missing data) exit with 2, runtime failures with 1. {@code TFSSL_DEBUG=1}
 * prints the stack trace too.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int USAGE = 2;
  static final int FAILURE = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    boolean usage =
        e instanceof UsageException
            || e instanceof IllegalArgumentException
            || e instanceof DataFormatException;
    String prefix = usage ? "error: " : "failed: ";
    cli.getErr().println(prefix + message(e));
    if (System.getenv("TFSSL_DEBUG") != null) {
      e.printStackTrace(cli.getErr());
    }
    return usage ? USAGE : FAILURE;
  }

  static int parameterError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    cli.getErr().println("error: " + e.getMessage());
    cli.getErr().println("(see '" + cli.getCommandSpec().qualifiedName() + " --help')");
    return USAGE;
  }

  private static String message(Throwable e) {
    if (e instanceof UncheckedIOException && e.getCause() != null && e.getMessage() == null) {
      return e.getCause().getMessage();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}
