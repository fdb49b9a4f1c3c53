package dev.offload.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a loopback port, to take a shared service "away" from the code under test without stopping it
 * for everyone else on the machine: {@link #cut()} closes every connection and refuses new ones, {@link #restore()}
 * accepts again on the same port. Bytes are piped by virtual threads. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile Duration delay = Duration.ZERO;

    private TcpProxy(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** Starts forwarding a free loopback port to {@code host:port}. */
    public static TcpProxy to(String host, int port) throws IOException {
        ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int listen = probe.getLocalPort();
        probe.close();
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), listen);
        proxy.restore();
        return proxy;
    }

    /** The port to connect to instead of the service's. */
    public int port() {
        return port;
    }

    /** Client connections forwarded now (each counted until it closes or is cut). */
    public int openConnections() {
        return open.get();
    }

    /** Accepts connections again (on the same port). */
    public synchronized void restore() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = listening;
        Thread.ofVirtual().name("tcp-proxy-accept-" + port).start(() -> acceptLoop(listening));
    }

    /**
     * Holds every chunk of bytes for {@code latency} before forwarding it, in both directions: the service looks
     * slow (a request/response round trip takes at least twice {@code latency}). {@link Duration#ZERO} ends it.
     */
    public void delay(Duration latency) {
        delay = latency;
    }

    /** Closes every forwarded connection and stops accepting: the service looks down. */
    public synchronized void cut() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
        open.set(0);
    }

    @Override
    public void close() throws IOException {
        cut();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                open.incrementAndGet();
                Thread.ofVirtual().start(() -> pipe(client, upstream));
                Thread.ofVirtual().start(() -> pipe(upstream, client));
            } catch (IOException e) {
                return; // closed by cut()
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                Duration hold = delay;
                if (!hold.isZero()) {
                    Thread.sleep(hold); // a virtual thread: sleeping costs no platform thread
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close both below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        if (sockets.remove(socket) && socket.getLocalPort() == port) {
            open.decrementAndGet(); // the client side of a forwarded connection
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
