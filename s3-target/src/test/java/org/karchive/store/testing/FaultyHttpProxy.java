package org.karchive.store.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 forwarding proxy on 127.0.0.1 that puts real failures on the wire between a
 * client and a test S3 server: S3 error responses ({@code 503 SlowDown}) instead of forwarding,
 * and connections reset in the middle of a response body. Requests are matched on their request
 * line, e.g. {@code "PUT /bucket/key?partNumber=2&uploadId=..."}. The client signs for the
 * proxy's host, which is forwarded unchanged, so SigV4 still verifies. Handles Content-Length
 * and chunked bodies, HEAD, and {@code Expect: 100-continue} (answered by the proxy).
 */
public final class FaultyHttpProxy implements AutoCloseable {
    private record Rule(Predicate<String> match, AtomicInteger left, int status, String code, int resetAfter) {
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private FaultyHttpProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
    }

    /** Starts a proxy in front of {@code http://127.0.0.1:port}. */
    public static FaultyHttpProxy start(URI upstream) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultyHttpProxy p = new FaultyHttpProxy(ss, upstream.getPort());
        Thread t = new Thread(p::acceptLoop, "faulty-proxy-accept");
        t.setDaemon(true);
        t.start();
        return p;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The next {@code times} matching requests get an S3 error response instead of being forwarded. */
    public FaultyHttpProxy failRequests(Predicate<String> requestLine, int times, int status, String code) {
        rules.add(new Rule(requestLine, new AtomicInteger(times), status, code, -1));
        return this;
    }

    /** The next {@code times} matching responses are cut (TCP reset) after {@code afterBodyBytes} body bytes. */
    public FaultyHttpProxy resetResponses(Predicate<String> requestLine, int times, int afterBodyBytes) {
        rules.add(new Rule(requestLine, new AtomicInteger(times), 0, null, afterBodyBytes));
        return this;
    }

    /** Every request line seen, in arrival order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public long count(Predicate<String> requestLine) {
        return requests().stream().filter(requestLine).count();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket c = server.accept();
                sockets.add(c);
                Thread t = new Thread(() -> serve(c), "faulty-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private Rule take(String line) {
        for (Rule r : rules) {
            if (r.match.test(line) && r.left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return r;
            }
        }
        return null;
    }

    private void serve(Socket client) {
        try (client; Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            sockets.add(up);
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            InputStream uin = new BufferedInputStream(up.getInputStream());
            OutputStream uout = up.getOutputStream();
            while (true) {
                List<String> head = readHead(cin);
                if (head == null) {
                    return;
                }
                String line = head.get(0);
                requests.add(line);
                boolean isHead = line.startsWith("HEAD ");
                boolean expect = header(head, "expect") != null;
                if (expect) {
                    cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    cout.flush();
                }
                Rule rule = take(line);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                copyBody(head, cin, body, false);
                if (rule != null && rule.resetAfter < 0) {
                    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + rule.code
                            + "</Code><Message>injected by FaultyHttpProxy</Message></Error>";
                    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
                    cout.write(("HTTP/1.1 " + rule.status + " Injected\r\nContent-Type: application/xml\r\n"
                            + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    cout.write(b);
                    cout.flush();
                    return;
                }
                StringBuilder fwd = new StringBuilder();
                for (String h : head) {
                    if (!h.toLowerCase(Locale.ROOT).startsWith("expect:")) {
                        fwd.append(h).append("\r\n");
                    }
                }
                fwd.append("\r\n");
                uout.write(fwd.toString().getBytes(StandardCharsets.ISO_8859_1));
                body.writeTo(uout);
                uout.flush();
                List<String> rhead;
                do {
                    rhead = readHead(uin);
                    if (rhead == null) {
                        return;
                    }
                } while (rhead.get(0).matches("HTTP/1\\.1 1\\d\\d.*"));
                StringBuilder back = new StringBuilder();
                for (String h : rhead) {
                    back.append(h).append("\r\n");
                }
                back.append("\r\n");
                cout.write(back.toString().getBytes(StandardCharsets.ISO_8859_1));
                int status = Integer.parseInt(rhead.get(0).split(" ")[1]);
                boolean noBody = isHead || status == 204 || status == 304;
                if (rule != null) {
                    ByteArrayOutputStream rb = new ByteArrayOutputStream();
                    if (!noBody) {
                        copyBody(rhead, uin, rb, true);
                    }
                    byte[] all = rb.toByteArray();
                    cout.write(all, 0, Math.min(all.length, rule.resetAfter));
                    cout.flush();
                    client.setSoLinger(true, 0);
                    return;
                }
                if (!noBody) {
                    copyBody(rhead, uin, cout, true);
                }
                cout.flush();
                String conn = header(rhead, "connection");
                if (conn != null && conn.equalsIgnoreCase("close")) {
                    return;
                }
            }
        } catch (IOException e) {
            // a side went away; the connection ends
        }
    }

    private static String header(List<String> head, String name) {
        for (int i = 1; i < head.size(); i++) {
            String h = head.get(i);
            int c = h.indexOf(':');
            if (c > 0 && h.substring(0, c).trim().equalsIgnoreCase(name)) {
                return h.substring(c + 1).trim();
            }
        }
        return null;
    }

    /** Copies one message body framed by Content-Length or chunked encoding (or, for responses, by close). */
    private static void copyBody(List<String> head, InputStream in, OutputStream out, boolean response)
            throws IOException {
        String te = header(head, "transfer-encoding");
        String cl = header(head, "content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                out.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                out.write(in.readNBytes(size + 2));
            }
        } else if (cl != null) {
            long n = Long.parseLong(cl);
            byte[] buf = new byte[65536];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) {
                    throw new IOException("short body");
                }
                out.write(buf, 0, r);
                n -= r;
            }
        } else if (response) {
            in.transferTo(out);
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        while (line.isEmpty()) {
            line = readLine(in);
            if (line == null) {
                return null;
            }
        }
        lines.add(line);
        while (!(line = readLine(in)).isEmpty()) {
            lines.add(line);
        }
        return lines;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        if (b.size() == 0) {
            return null;
        }
        throw new IOException("connection closed inside a header line");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
