package dev.offload.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Local TCP ports for tests. */
public final class Ports {
    private Ports() {}

    /**
     * A port on 127.0.0.1 that nothing listens on (it was free a moment ago): a connection to it is refused at once,
     * as to a broker that is down.
     */
    public static int closed() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port", e);
        }
    }
}
