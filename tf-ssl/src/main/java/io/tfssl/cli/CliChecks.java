package io.tfssl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Checks of flag values made before a command does any work, each failing with a {@link
 * UsageException} (exit code 2) whose message starts with the flag.
 */
public final class CliChecks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private CliChecks() {}

  public static void positive(String flag, Number value) {
    if (value != null && !(value.doubleValue() > 0)) {
      throw new UsageException(flag + " must be positive, got " + value);
    }
  }

  public static void nonNegative(String flag, Number value) {
    if (value != null && !(value.doubleValue() >= 0)) {
      throw new UsageException(flag + " cannot be negative, got " + value);
    }
  }

  /** A model name is one folder name under the model repository (no '/', no '..'). */
  public static void name(String flag, String value) {
    if (value != null && !NAME.matcher(value).matches()) {
      throw new UsageException(
          flag
              + " must be a single folder name of letters, digits, '.',"
              + " '_' or '-', got '"
              + value
              + "'");
    }
  }

  /** A folder the command will write into: it must be, or become, a directory. */
  public static void writableDirectory(String flag, Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-test", "");
      Files.delete(probe);
    } catch (IOException | UnsupportedOperationException e) {
      throw new UsageException(flag + ": cannot write to " + dir + " (" + reason(e) + ")");
    }
  }

  /** A file the command will write: its folder must be, or become, a writable directory. */
  public static void writableFile(String flag, Path file) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new UsageException(flag + ": " + file + " is a folder, not a file");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      writableDirectory(flag, parent);
    }
  }

  private static String reason(Exception e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file is in the way: " + e.getMessage();
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
