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
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> EmbeddingModel.load(dir));
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

  /** A foreign model: a float input of the wrong rank, under another signature key. */
  @Test
  void foreignModelWithoutTheExpectedSignature() throws Exception {
    Path dir = tmp.resolve("foreign");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 3)));
      var v = tf.withName("v").variable(tf.constant(2f));
      var y = tf.withName("y").math.mul(x, v);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withFunction(s.function(
            Signature.builder().key("predict").input("x", x).output("y", y).build())).export();
      }
    }
    assertFails(dir, "no 'serving_default' signature");
  }

  @Test
  void wrongShapedInput() throws Exception {
    Path dir = tmp.resolve("wrong-shape");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 784)));
      var v = tf.withName("v").variable(tf.constant(2f));
      var y = tf.math.mul(x, v);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withFunction(s.function(
            Signature.builder().key("serving_default").input("images", x).output("embedding", y)
                .build())).export();
      }
    }
    assertFails(dir, "must take 'images' as uint8 [-1, H, W, C]");
  }
}
