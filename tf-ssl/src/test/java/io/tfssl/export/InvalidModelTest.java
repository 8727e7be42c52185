package io.tfssl.export;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Loading something that is not a usable SavedModel fails with the directory and the reason. */
class InvalidModelTest {
  @TempDir Path tmp;

  private static void assertFails(Path dir, String reason) {
    InvalidModelException e =
        assertThrows(InvalidModelException.class, () -> EmbeddingModel.load(dir));
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void missingDirectory() {
    assertFails(tmp.resolve("nope"), "no such directory");
  }

  @Test
  void aFolderWithoutSavedModel() throws Exception {
    Files.writeString(tmp.resolve("README"), "not a model");
    assertFails(tmp, "no saved_model.pb");
  }

  @Test
  void damagedSavedModel() throws Exception {
    Path v = Files.createDirectories(tmp.resolve("m/1"));
    Files.createDirectories(v.resolve("variables"));
    Files.write(v.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertFails(tmp.resolve("m"), "cannot load the SavedModel");
  }

  @Test
  void missingVariables() throws Exception {
    Path v = Files.createDirectories(tmp.resolve("m/1"));
    Files.write(v.resolve("saved_model.pb"), new byte[] {0});
    assertFails(v, "no variables/");
  }

  /** Exports y = 2·x, with x a float placeholder of {@code shape}, under the given names. */
  private static Path foreignModel(Path dir, String key, String input, String output, long... shape)
      throws Exception {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName(input).placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
      var y = tf.math.mul(x, tf.withName("v").variable(tf.constant(2f)));
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString())
            .withFunction(
                s.function(Signature.builder().key(key).input(input, x).output(output, y).build()))
            .export();
      }
    }
    return dir;
  }

  /** A foreign model: a float input of the wrong rank, under another signature key. */
  @Test
  void foreignModelWithoutTheExpectedSignature() throws Exception {
    assertFails(
        foreignModel(tmp.resolve("foreign"), "predict", "x", "y", -1, 3),
        "no 'serving_default' signature");
  }

  @Test
  void wrongShapedInput() throws Exception {
    assertFails(
        foreignModel(tmp.resolve("wrong-shape"), "serving_default", "images", "embedding", -1, 784),
        "must take 'images' as uint8 [-1, H, W, C]");
  }
}
