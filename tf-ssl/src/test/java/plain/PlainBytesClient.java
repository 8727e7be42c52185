package plain;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A plain TensorFlow Java program that knows nothing of tf-ssl: it sends encoded image files (JPEG,
 * PNG, ...) as they are on disk to the {@code serving_bytes} signature, as a TF Serving client
 * sends {@code {"b64": ...}} values, and writes the three outputs. The serving test runs it in a
 * separate JVM whose class path holds only TensorFlow's jars.
 *
 * <p>Usage: {@code PlainBytesClient MODEL_DIR OUT FILE...}; OUT gets, for {@code embedding}, {@code
 * embedding_l2} and {@code projection} in that order, rows and cols as ints, then the floats.
 */
public final class PlainBytesClient {
  public static void main(String[] args) throws Exception {
    byte[][] files = new byte[args.length - 2][];
    for (int i = 2; i < args.length; i++) {
      files[i - 2] = Files.readAllBytes(Path.of(args[i]));
    }
    try (SavedModelBundle model = SavedModelBundle.load(args[0], "serve");
        TString batch = TString.tensorOfBytes(NdArrays.vectorOfObjects(files));
        Result r = model.function("serving_bytes").call(Map.of("image_bytes", batch));
        DataOutputStream out = new DataOutputStream(new FileOutputStream(args[1]))) {
      for (String name : new String[] {"embedding", "embedding_l2", "projection"}) {
        TFloat32 t = (TFloat32) r.get(name).orElseThrow();
        float[] values = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(values, false, false));
        out.writeInt((int) t.shape().size(0));
        out.writeInt((int) t.shape().size(1));
        for (float v : values) {
          out.writeFloat(v);
        }
      }
    }
  }
}
