package io.tfssl.distributed;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import io.tfssl.compute.NativeGraphs;
import java.lang.reflect.Constructor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * A {@link Session} on a TensorFlow server ({@code grpc://host:port}) instead of in-process.
 *
 * <p>TF Java 1.1.0's public constructors never call {@code TF_SetTarget}, so a session always runs
 * locally (docs/tensorflow-java.md §8). This builds the {@code TF_Session} through the C API, with
 * the target and the config set, and wraps it with {@code Session}'s package-private {@code (Graph,
 * TF_Session)} constructor. The wrapped session does not initialize variables on its first run:
 * call {@link Session#initialize()} (or restore a checkpoint).
 */
final class RemoteSession {
  private RemoteSession() {}

  static Session open(Graph graph, String target, ConfigProto config) {
    // As Session's own allocate(): temporaries in a scope, the session retained past it, and
    // Session.close() releases that reference (which deletes the TF_Session).
    TF_Session session;
    try (PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      TF_SetTarget(options, target);
      BytePointer serialized = new BytePointer(config.toByteArray());
      TF_SetConfig(options, serialized, serialized.capacity(), status);
      status.throwExceptionIfNotOK();
      session = TF_Session.newSession(NativeGraphs.handle(graph), options, status);
      status.throwExceptionIfNotOK();
      session.retainReference();
    }
    try {
      Constructor<Session> wrap =
          Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      wrap.setAccessible(true);
      return wrap.newInstance(graph, session);
    } catch (ReflectiveOperationException e) {
      session.releaseReference();
      throw unsupported(target, e);
    }
  }

  private static IllegalStateException unsupported(String what, Exception e) {
    return new IllegalStateException(
        "cannot open a session on "
            + what
            + ": this TF Java"
            + " version does not have the internals used here (written for 1.1.0)",
        e);
  }
}
