package io.tfssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: no source, script or document cites a notes file or folder
 * outside it, and every "docs/tensorflow-java.md §N" citation names a section that exists.
 */
class SelfContainedTest {
  /** Names of the material that lived beside the repository while it was written. */
  private static final List<String> OUTSIDE =
      List.of("TFJAVA" + "_NOTES", "../" + "shared", "ARCHITECTURE" + ".md");

  private static final Set<String> SKIPPED_DIRS =
      Set.of(".git", "target", "saved_models", "runs", "node_modules");
  private static final Pattern CITATION =
      Pattern.compile(
          // the formatter may wrap a citation: "tensorflow-java.md" at a line's end, "* §3" next
          "tensorflow-java\\.md\\)?\\s*(?:(?:\\*|//)\\s*)?§(\\d+)");

  @Test
  void nothingCitesFilesOutsideTheRepository() throws IOException {
    List<String> hits = new ArrayList<>();
    for (Path f : textFiles()) {
      String text = read(f);
      for (String outside : OUTSIDE) {
        if (text.contains(outside)) {
          hits.add(root().relativize(f) + " cites " + outside);
        }
      }
    }
    assertEquals(List.of(), hits);
  }

  @Test
  void everyTensorFlowJavaCitationNamesAnExistingSection() throws IOException {
    String doc = Files.readString(root().resolve("docs/tensorflow-java.md"));
    List<String> broken = new ArrayList<>();
    int citations = 0;
    for (Path f : textFiles()) {
      Matcher m = CITATION.matcher(read(f));
      while (m.find()) {
        citations++;
        if (!doc.contains("\n## " + m.group(1) + ". ")) {
          broken.add(root().relativize(f) + " cites §" + m.group(1));
        }
      }
    }
    assertEquals(List.of(), broken);
    assertTrue(citations > 10, "the sources cite the notes (found " + citations + ")");
  }

  private static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (!Files.exists(p.resolve("tfssl"))) {
      p = p.getParent();
    }
    return p;
  }

  private static List<Path> textFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root())) {
      s.filter(Files::isRegularFile)
          .filter(
              f -> {
                for (Path part : root().relativize(f)) {
                  if (SKIPPED_DIRS.contains(part.toString())) {
                    return false;
                  }
                }
                return true;
              })
          .filter(
              f ->
                  f.toString().matches(".*\\.(java|md|sh|xml|txt|json|yml|yaml)$")
                      || f.getFileName().toString().equals("tfssl"))
          .forEach(files::add);
    }
    return files;
  }

  private static String read(Path f) throws IOException {
    try {
      return Files.readString(f);
    } catch (MalformedInputException e) {
      return "";
    }
  }
}
