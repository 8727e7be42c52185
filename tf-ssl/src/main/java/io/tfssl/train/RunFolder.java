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
 * metrics.jsonl        one JSON object per logged step
 * events.out.tfevents.* TensorBoard scalars (written by TF's summary ops)
 * checkpoints/         step-NNNNNNNN/ckpt.{index,data-*} and latest
 * </pre>
 */
public record RunFolder(Path dir) {
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Path configFile() {
    return dir.resolve("config.json");
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
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(".config.json.tmp");
      JSON.writeValue(tmp.toFile(), config);
      Files.move(tmp, configFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile() + ": " + e.getMessage(), e);
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
