package io.tfssl.nn;

import java.util.Iterator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * How many variables a graph holds and how many bytes their values take: what a checkpoint or a
 * SavedModel's variables file stores (plus a small index).
 *
 * @param count variables (ref and resource)
 * @param elements values over all of them
 * @param bytes size of those values
 */
public record VariableFootprint(int count, long elements, long bytes) {

  /** Counts every {@code VariableV2} and {@code VarHandleOp} of {@code graph}. */
  public static VariableFootprint of(Graph graph) {
    int count = 0;
    long elements = 0;
    long bytes = 0;
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      boolean ref = op.type().equals("VariableV2");
      if (ref || op.type().equals("VarHandleOp")) {
        count++;
        Shape shape = ref ? op.output(0).shape() : op.attributes().getAttrShape("shape");
        long n = shape.hasUnknownDimension() ? 0 : shape.size();
        elements += n;
        bytes += n * bytesPer(op.attributes().getAttrType("dtype"));
      }
    }
    return new VariableFootprint(count, elements, bytes);
  }

  private static int bytesPer(DataType type) {
    return switch (type) {
      case DT_DOUBLE, DT_INT64, DT_UINT64 -> 8;
      case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16 -> 2;
      case DT_INT8, DT_UINT8, DT_BOOL -> 1;
      default -> 4;
    };
  }
}
