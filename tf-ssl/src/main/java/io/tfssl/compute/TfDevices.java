package io.tfssl.compute;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * The devices TensorFlow creates for a session with a given {@link ConfigProto}.
 *
 * <p>TF Java 1.1.0 has no public device list, and {@code Session} hides its native handle; the C
 * API's {@code TF_SessionListDevices} (bound in {@code org.tensorflow.internal.c_api}) lists the
 * devices of a session, so this opens a throw-away session on an empty graph with the same config,
 * lists, and closes it. The GPU build of TF finds no GPU when CUDA 12 or cuDNN 9 is missing, and
 * then creates only the CPU device (docs/tensorflow-java.md §7): this list is the truth about what
 * a run will use.
 */
public final class TfDevices {
  private TfDevices() {}

  /** The devices a session with {@code config} would have, CPU first as TF lists them. */
  public static List<TfDevice> visible(ConfigProto config) {
    TensorFlow.version(); // loads the native library
    List<TfDevice> devices = new ArrayList<>();
    try (TF_Status status = TF_Status.newStatus();
        TF_Graph graph = TF_Graph.newGraph();
        TF_SessionOptions options = TF_SessionOptions.newSessionOptions()) {
      byte[] bytes = config.toByteArray();
      try (BytePointer proto = new BytePointer(bytes)) {
        TF_SetConfig(options, proto, bytes.length, status);
        status.throwExceptionIfNotOK();
      }
      TF_Session session = TF_NewSession(graph, options, status);
      status.throwExceptionIfNotOK();
      try {
        TF_DeviceList list = TF_SessionListDevices(session, status);
        status.throwExceptionIfNotOK();
        try {
          for (int i = 0; i < TF_DeviceListCount(list); i++) {
            String name = TF_DeviceListName(list, i, status).getString();
            String type = TF_DeviceListType(list, i, status).getString();
            long memory = TF_DeviceListMemoryBytes(list, i, status);
            status.throwExceptionIfNotOK();
            devices.add(new TfDevice(name, type, memory));
          }
        } finally {
          TF_DeleteDeviceList(list);
        }
      } finally {
        TF_CloseSession(session, status);
        TF_DeleteSession(session, status);
      }
    }
    return List.copyOf(devices);
  }
}
