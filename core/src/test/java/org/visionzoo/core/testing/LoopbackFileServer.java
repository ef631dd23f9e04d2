package org.visionzoo.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on the loopback address, for download tests: nothing leaves the machine. It serves
 * {@link #files()} by path; {@code /redirect/X} redirects to {@code /X}, {@code /loop/X} redirects
 * to itself, {@code /truncated/X} announces X's length but sends half of it, {@code /chunked/X}
 * sends no length, {@code /stall/X} sends half and then nothing until the server is closed,
 * {@code /slow/X} sends half, waits a second and a half, then the rest. Each request is answered on
 * its own thread.
 */
public final class LoopbackFileServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();

    /**
     * Starts a server on a free port of the loopback address.
     *
     * @throws UncheckedIOException if it cannot bind
     */
    public LoopbackFileServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a loopback HTTP server", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * The served files by path ({@code /dir/name}), to fill.
     *
     * @return the live map
     */
    public Map<String, byte[]> files() {
        return files;
    }

    /**
     * The paths requested so far, in order.
     *
     * @return the live list
     */
    public List<String> requests() {
        return requests;
    }

    /**
     * The URL of a path on this server.
     *
     * @param path a path starting with {@code /}
     * @return {@code http://127.0.0.1:PORT/path}
     */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        try {
            if (path.startsWith("/loop/")) {
                ex.getResponseHeaders().add("Location", path);
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (path.startsWith("/redirect/")) {
                ex.getResponseHeaders().add("Location", path.substring("/redirect".length()));
                ex.sendResponseHeaders(302, -1);
                return;
            }
            boolean truncated = path.startsWith("/truncated/");
            boolean chunked = path.startsWith("/chunked/");
            boolean stalled = path.startsWith("/stall/");
            boolean slow = path.startsWith("/slow/");
            String name = truncated || chunked || stalled || slow ? path.substring(path.indexOf('/', 1)) : path;
            byte[] body = files.get(name);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, truncated || stalled || slow ? body.length / 2 : body.length);
            out.flush();
            if (stalled) {
                release.await(); // a server that stops sending, keeping the connection open
            } else if (slow) {
                Thread.sleep(1500);
                out.write(body, body.length / 2, body.length - body.length / 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // closing a fixed-length response early closes the connection: the client sees EOF
            ex.close();
        }
    }

    /** Releases stalled responses and stops the server. */
    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
