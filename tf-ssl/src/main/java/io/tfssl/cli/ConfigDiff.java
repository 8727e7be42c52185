package io.tfssl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.train.PretrainConfig;
import java.util.Iterator;
import java.util.List;

/**
 * Where two configs differ, in {@code config.json}'s own key names ({@code seed}, {@code
 * simsiam.stopGradient}), so that a refusal names what the user can look up in the run.
 */
final class ConfigDiff {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigDiff() {}

  /** Adds "key: A in the run, B given" to {@code out} for every leaf that differs. */
  static void between(PretrainConfig saved, PretrainConfig given, List<String> out) {
    walk("", JSON.valueToTree(saved), JSON.valueToTree(given), out);
  }

  private static void walk(String path, JsonNode saved, JsonNode given, List<String> out) {
    if (saved.isObject() && given.isObject()) {
      Iterator<String> names = saved.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        walk(path.isEmpty() ? name : path + "." + name, saved.get(name), given.path(name), out);
      }
      return;
    }
    if (!saved.equals(given)) {
      out.add(path + ": " + text(saved) + " in the run, " + text(given) + " given");
    }
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() ? "nothing" : n.isTextual() ? n.asText() : n.toString();
  }
}
