package io.tfssl.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of a run folder ({@code runs/NAME}):
 *
 * <pre>
 * config.json          the full {@link PretrainConfig}, to rebuild the same graph on resume
 * input.json           the {@link RunInput}: dataset, image shape, classes, view size
 * metrics.jsonl        one JSON object per logged step
 * events.out.tfevents.* TensorBoard scalars (written by TF's summary ops)
 * checkpoints/         step-NNNNNNNN/ckpt.{index,data-*} and latest
 * </pre>
 */
public record RunFolder(Path dir) {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Path configFile() {
    return dir.resolve("config.json");
  }

  public Path inputFile() {
    return dir.resolve("input.json");
  }

  public Path metricsFile() {
    return dir.resolve("metrics.jsonl");
  }

  public Path checkpointDir() {
    return dir.resolve("checkpoints");
  }

  public Checkpoints checkpoints(int keep) {
    return new Checkpoints(checkpointDir(), keep);
  }

  /** Writes {@code config.json} (atomically: a reader never sees half a file). */
  public void writeConfig(PretrainConfig config) {
    writeJson(configFile(), config);
  }

  /** Writes {@code input.json}, atomically. */
  public void writeInput(RunInput input) {
    writeJson(inputFile(), input);
  }

  /** Reads {@code input.json}, if the run has one (runs before it was introduced do not). */
  public java.util.Optional<RunInput> readInput() {
    Path file = inputFile();
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(JSON.readValue(file.toFile(), RunInput.class));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The last record of {@code metrics.jsonl} that has a loss (an empty map when there is none). */
  public java.util.Map<String, Object> lastMetrics() {
    Path file = metricsFile();
    java.util.Map<String, Object> last = java.util.Map.of();
    if (!Files.isRegularFile(file)) {
      return last;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          java.util.Map<String, Object> record =
              JSON.readValue(
                  line,
                  new com.fasterxml.jackson.core.type.TypeReference<
                      java.util.LinkedHashMap<String, Object>>() {});
          if (record.containsKey("loss")) {
            last = record;
          }
        } catch (IOException partialLine) {
          // A run killed mid-write leaves a torn last line; the records before it still count.
        }
      }
      return last;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Drops the records of {@code metrics.jsonl} logged after {@code step}, and a torn last line: a
   * run killed after its last checkpoint had logged steps that the resumed run logs again.
   * Rewritten through a temporary file and an atomic rename.
   *
   * @return how many lines were dropped
   */
  public int truncateMetricsAfter(long step) {
    Path file = metricsFile();
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    try {
      java.util.List<String> lines = Files.readAllLines(file);
      java.util.List<String> kept = new java.util.ArrayList<>();
      for (String line : lines) {
        if (line.isBlank()) {
          continue;
        }
        try {
          com.fasterxml.jackson.databind.JsonNode record = JSON.readTree(line);
          if (record.has("step") && record.get("step").asLong() <= step) {
            kept.add(line);
          }
        } catch (IOException tornLine) {
          // Killed mid-write: the partial record is dropped with the rest after the checkpoint.
        }
      }
      if (kept.size() == lines.size()) {
        return 0;
      }
      Path tmp = dir.resolve(".metrics.jsonl.tmp");
      Files.write(tmp, kept);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return lines.size() - kept.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }

  private void writeJson(Path file, Object value) {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), value);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code config.json}, with a clear error when the folder is not a run. */
  public PretrainConfig readConfig() {
    Path file = configFile();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(dir + " is not a tf-ssl run folder (no config.json)");
    }
    try {
      return JSON.readValue(file.toFile(), PretrainConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
