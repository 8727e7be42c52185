package io.tfssl.data;

import java.nio.file.Path;

/**
 * A data file (or data set directory) is missing or does not hold what its format requires.
 *
 * <p>Unchecked because a bad data file is a configuration error the caller cannot recover from
 * in-line; the message always starts with the offending path and then says what is wrong, so the
 * error is actionable without a debugger.
 */
public class DataFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The file or directory at fault; transient because {@link Path} is not serializable. */
  private final transient Path file;

  /**
   * Creates an exception about {@code file}.
   *
   * @param file the file or directory at fault
   * @param problem what is wrong with it
   */
  public DataFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /**
   * Creates an exception about {@code file}, caused by {@code cause}.
   *
   * @param file the file or directory at fault
   * @param problem what is wrong with it
   * @param cause the underlying exception (for example an I/O or gzip error)
   */
  public DataFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /**
   * The file or directory this exception is about.
   *
   * @return the path given at construction (null only after deserialization)
   */
  public Path file() {
    return file;
  }
}
