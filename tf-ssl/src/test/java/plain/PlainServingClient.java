package plain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A plain TensorFlow Java program that knows nothing of tf-ssl: it loads a SavedModel with {@code
 * SavedModelBundle.load(dir, "serve")}, calls {@code serving_default} with uint8 images and writes
 * the embedding. The export test runs it in a separate JVM whose class path holds only TensorFlow's
 * jars.
 *
 * <p>Usage: {@code PlainServingClient MODEL_DIR IMAGES_IN EMBEDDING_OUT}; IMAGES_IN holds n, h, w,
 * c as ints then the bytes; EMBEDDING_OUT gets rows, cols as ints then the floats.
 */
public final class PlainServingClient {
  public static void main(String[] args) throws Exception {
    byte[] pixels;
    long n;
    long h;
    long w;
    long c;
    try (DataInputStream in = new DataInputStream(new FileInputStream(args[1]))) {
      n = in.readInt();
      h = in.readInt();
      w = in.readInt();
      c = in.readInt();
      pixels = in.readAllBytes();
    }
    try (SavedModelBundle model = SavedModelBundle.load(args[0], "serve");
        TUint8 images = TUint8.tensorOf(Shape.of(n, h, w, c), DataBuffers.of(pixels, true, false));
        Result r = model.function("serving_default").call(Map.of("images", images));
        DataOutputStream out = new DataOutputStream(new FileOutputStream(args[2]))) {
      TFloat32 e = (TFloat32) r.get("embedding").orElseThrow();
      float[] values = new float[(int) e.size()];
      e.copyTo(DataBuffers.of(values, false, false));
      out.writeInt((int) e.shape().size(0));
      out.writeInt((int) e.shape().size(1));
      for (float v : values) {
        out.writeFloat(v);
      }
    }
  }
}
