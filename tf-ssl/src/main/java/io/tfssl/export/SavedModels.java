package io.tfssl.export;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TensorFlowException;

/** Finding and opening SavedModels with errors that say what is wrong and where. */
public final class SavedModels {
  private SavedModels() {}

  /**
   * The version directory to load for {@code dir}: {@code dir} itself when it holds a {@code
   * saved_model.pb}, else (a model base directory, as TF Serving is given) its highest numeric
   * version.
   *
   * @throws InvalidModelException when there is neither
   */
  public static Path resolve(Path dir) {
    if (!Files.exists(dir)) {
      throw new InvalidModelException(dir, "no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new InvalidModelException(
          dir, "not a directory (give the SavedModel's directory," + " e.g. saved_models/NAME/1)");
    }
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      return dir;
    }
    Optional<Path> latest = latestVersion(dir);
    if (latest.isPresent() && Files.isRegularFile(latest.get().resolve("saved_model.pb"))) {
      return latest.get();
    }
    throw new InvalidModelException(
        dir,
        "not a SavedModel: no saved_model.pb"
            + (latest.isPresent() ? " here or in " + latest.get() : " and no version directories"));
  }

  /**
   * Loads the {@code serve} tag set of a SavedModel.
   *
   * @throws InvalidModelException naming the directory and TensorFlow's reason when it fails
   */
  public static SavedModelBundle load(Path versionDir) {
    if (!Files.isDirectory(versionDir.resolve("variables"))) {
      throw new InvalidModelException(versionDir, "damaged SavedModel: no variables/ directory");
    }
    try {
      return SavedModelBundle.load(versionDir.toString(), SavedModelBundle.DEFAULT_TAG);
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw new InvalidModelException(
          versionDir, "cannot load the SavedModel (tag 'serve'): " + firstLine(e.getMessage()), e);
    }
  }

  private static Optional<Path> latestVersion(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{1,9}") && Files.isDirectory(p))
          .max(
              (a, b) ->
                  Integer.compare(
                      Integer.parseInt(a.getFileName().toString()),
                      Integer.parseInt(b.getFileName().toString())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * Deletes a model directory (a temporary export, a random-init baseline) and everything in it, if
   * it exists. Best effort: what cannot be deleted stays, which is harmless for these hidden or
   * temporary directories (TF Serving and {@link Exporter#nextVersion} ignore non-numeric names).
   */
  public static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      // see above: a leftover is harmless
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
