package io.tfssl.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the files of a data set that is distributed as fixed file names in one directory, as CIFAR
 * and STL-10 are.
 *
 * <p>Those archives unpack into a sub-folder ({@code cifar-10-batches-bin}, {@code stl10_binary},
 * ...), and users pass either that sub-folder or the directory they unpacked into; both are
 * accepted so that neither choice is a mistake. When files are missing, the error lists every
 * missing name and what was expected, so the user can fix the directory in one go rather than one
 * file per run.
 */
final class DataDirectory {

  private DataDirectory() {}

  /**
   * Returns {@code dir} if it holds {@code probe}, else {@code dir/subFolder} if that is a
   * directory, else {@code dir} (so that {@link #require} reports the missing files there).
   *
   * @param expected what the directory should hold, for the error message
   * @throws DataFormatException naming {@code dir} if it is not a directory
   */
  static Path locate(Path dir, String subFolder, String probe, String expected) {
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(dir, "data set directory does not exist (" + expected + ")");
    }
    if (Files.isRegularFile(dir.resolve(probe))) {
      return dir;
    }
    Path sub = dir.resolve(subFolder);
    return Files.isDirectory(sub) ? sub : dir;
  }

  /**
   * Resolves {@code names} in {@code dir}, all of which must be regular files.
   *
   * @param expected what the directory should hold, for the error message
   * @return the paths, in the order of {@code names}
   * @throws DataFormatException naming {@code dir} and every missing name
   */
  static List<Path> require(Path dir, List<String> names, String expected) {
    List<Path> files = new ArrayList<>(names.size());
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        missing.add(name);
      }
      files.add(file);
    }
    if (!missing.isEmpty()) {
      throw new DataFormatException(
          dir, "missing " + String.join(", ", missing) + " (" + expected + ")");
    }
    return files;
  }
}
