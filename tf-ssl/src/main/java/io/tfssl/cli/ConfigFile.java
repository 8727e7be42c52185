package io.tfssl.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * {@code pretrain --config FILE}: a recipe as one file, in the schema of a run's {@code
 * config.json} (JSON, or the same keys as YAML for {@code .yaml}/{@code .yml}), so that a run is
 * shared and repeated as a file. The file is laid over the preset of its method: a run's own {@code
 * config.json} gives every key, a hand-written file may give only the keys it changes. An unknown
 * key is refused, naming it.
 */
final class ConfigFile {
  // Unknown keys are found against the preset's tree (unknownKeys), which also holds the
  // derived properties a config.json carries (ViewPolicy's fullCrop): those are skipped here.
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigFile() {}

  /**
   * The config of {@code file} over {@code preset}'s recipe for the file's method ({@code method}
   * when the file names none).
   */
  static PretrainConfig read(Path file, String preset, String method) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--config: no such file: " + file);
    }
    JsonNode tree;
    try {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      tree =
          (name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON).readTree(file.toFile());
    } catch (IOException e) {
      throw new UsageException(
          "--config "
              + file
              + ": not valid "
              + (file.toString().endsWith("json") ? "JSON" : "JSON or YAML")
              + ": "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    if (tree == null || !tree.isObject()) {
      throw new UsageException(
          "--config "
              + file
              + ": expected an object of config keys"
              + " (as in a run's config.json)");
    }
    String fileMethod = tree.path("method").asText(method);
    ObjectNode merged = JSON.valueToTree(Presets.get(preset, fileMethod));
    // The keys are those config.json has: the preset's tree holds every one of them.
    unknownKeys("", merged, tree, file);
    merge(merged, (ObjectNode) tree);
    try {
      return JSON.treeToValue(merged, PretrainConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(
          "--config " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** Refuses the first key of {@code given} that {@code known} does not have. */
  private static void unknownKeys(String path, JsonNode known, JsonNode given, Path file) {
    Iterator<String> names = given.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      String at = path.isEmpty() ? name : path + "." + name;
      JsonNode k = known.get(name);
      if (k == null) {
        throw new UsageException(
            "--config "
                + file
                + ": unknown key '"
                + at
                + "' (the keys are"
                + " those of a run's config.json)");
      }
      JsonNode g = given.get(name);
      if (k.isNull() && g.isObject()) {
        throw new UsageException(
            "--config "
                + file
                + ": key '"
                + at
                + "' does not apply to"
                + " method "
                + known.path("method").asText(given.path("method").asText("?")));
      }
      if (k.isObject() && g.isObject()) {
        unknownKeys(at, k, g, file);
      }
    }
  }

  /** Writes {@code over}'s keys into {@code base}, recursing into objects present in both. */
  private static void merge(ObjectNode base, ObjectNode over) {
    Iterator<String> names = over.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      JsonNode b = base.get(name);
      JsonNode o = over.get(name);
      if (b != null && b.isObject() && o.isObject()) {
        merge((ObjectNode) b, (ObjectNode) o);
      } else {
        base.set(name, o);
      }
    }
  }
}
