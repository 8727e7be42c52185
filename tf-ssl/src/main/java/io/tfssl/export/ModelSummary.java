package io.tfssl.export;

import io.tfssl.nn.VariableFootprint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;

/**
 * What {@code ./tfssl inspect} shows of a SavedModel: its signatures with input and output names,
 * dtypes and shapes, and its variables (count, elements, bytes).
 *
 * @param dir the version directory
 * @param signatures every signature, by key
 * @param variableCount number of variables in the graph
 * @param variableElements their total number of elements
 * @param variableBytes their total size in memory
 * @param variableFilesBytes the size of {@code variables/} on disk
 * @param metadata tf-ssl's metadata.json, when present
 */
public record ModelSummary(
    Path dir,
    List<SignatureInfo> signatures,
    int variableCount,
    long variableElements,
    long variableBytes,
    long variableFilesBytes,
    Optional<ModelMetadata> metadata) {

  /**
   * One signature.
   *
   * @param methodName what TF Serving calls it with ({@code tensorflow/serving/predict})
   */
  public record SignatureInfo(
      String key,
      String methodName,
      Map<String, TensorInfo> inputs,
      Map<String, TensorInfo> outputs) {}

  /**
   * One input or output.
   *
   * @param tensor the graph tensor it maps to ({@code images:0})
   * @param dtype lower-case TF dtype ({@code uint8}, {@code float})
   * @param shape dimensions, -1 where unknown
   */
  public record TensorInfo(String tensor, String dtype, long[] shape) {
    @Override
    public String toString() {
      return dtype + " " + Arrays.toString(shape) + " (" + tensor + ")";
    }
  }

  /** Loads {@code dir} (a version or model base directory) and describes it. */
  public static ModelSummary of(Path dir) {
    Path version = SavedModels.resolve(dir);
    try (SavedModelBundle bundle = SavedModels.load(version)) {
      List<SignatureInfo> sigs = new ArrayList<>();
      for (Signature s : bundle.signatures()) {
        sigs.add(
            new SignatureInfo(
                s.key(), s.methodName(), tensors(s.getInputs()), tensors(s.getOutputs())));
      }
      VariableFootprint vars = VariableFootprint.of(bundle.graph());
      return new ModelSummary(
          version,
          sigs,
          vars.count(),
          vars.elements(),
          vars.bytes(),
          sizeOf(version.resolve("variables")),
          ModelMetadata.read(version));
    }
  }

  private static Map<String, TensorInfo> tensors(Map<String, Signature.TensorDescription> in) {
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    in.forEach(
        (name, d) ->
            out.put(
                name,
                new TensorInfo(
                    d.name,
                    d.dataType.name().replace("DT_", "").toLowerCase(),
                    d.shape.isUnknown() ? new long[0] : d.shape.asArray())));
    return out;
  }

  private static long sizeOf(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  /** A human-readable report. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append("SavedModel ").append(dir).append('\n');
    metadata.ifPresent(
        m ->
            b.append(
                String.format(
                    "  %s, encoder %s, pretrained on %s for %d steps%s (exported %s, commit %s)%n",
                    m.method(),
                    m.encoder(),
                    m.dataset(),
                    m.steps(),
                    m.randomInit() ? " [random init]" : "",
                    m.created(),
                    m.commit())));
    for (SignatureInfo s : signatures) {
      b.append("signature '")
          .append(s.key())
          .append("' (method ")
          .append(s.methodName().isEmpty() ? "none" : s.methodName())
          .append(")\n");
      s.inputs()
          .forEach((n, t) -> b.append("  input  ").append(n).append(": ").append(t).append('\n'));
      s.outputs()
          .forEach((n, t) -> b.append("  output ").append(n).append(": ").append(t).append('\n'));
    }
    b.append(
        String.format(
            "variables: %d, %,d values, %.2f MB in memory, %.2f MB on disk%n",
            variableCount, variableElements, variableBytes / 1e6, variableFilesBytes / 1e6));
    return b.toString();
  }
}
