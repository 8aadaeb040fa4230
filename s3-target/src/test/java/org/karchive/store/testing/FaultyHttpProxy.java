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
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 forwarding proxy on 127.0.0.1 that puts real failures on the wire between a
 * client and a test S3 server. It only ever connects to 127.0.0.1. Faults ({@link Fault}) are
 * injected by rule (the next N requests whose request line matches, e.g.
 * {@code "PUT /bucket/key?partNumber=2&uploadId=..."}) or by seeded random choice with a given
 * probability; every injected fault is counted. The client signs for the proxy's host, which is
 * forwarded unchanged, so SigV4 still verifies. Handles Content-Length and chunked bodies, HEAD,
 * and {@code Expect: 100-continue} (answered by the proxy).
 */
public final class FaultyHttpProxy implements AutoCloseable {
    /** What can go wrong on one request. */
    public enum Fault {
        /** 503 SlowDown instead of forwarding. */
        SLOW_DOWN,
        /** 500 InternalError instead of forwarding. */
        INTERNAL_ERROR,
        /** Connection reset after the request head, before its body is read. */
        RESET_BEFORE_BODY,
        /** Connection reset after half of the request body. */
        RESET_DURING_BODY,
        /** The request is carried out by the server, then the connection is reset: the answer is lost. */
        RESET_AFTER_BODY,
        /** The request is carried out by the server, then answered 500 InternalError. */
        ERROR_AFTER_DONE,
        /** A response body cut (FIN) after half its bytes, under the full Content-Length. */
        TRUNCATE_BODY,
        /** One byte of a non-empty GET response body flipped. */
        FLIP_BYTE,
        /** CompleteMultipartUpload carried out, answered 200 with an {@code <Error>} body. */
        COMPLETE_200_ERROR,
        /** The request is delayed (forwarded normally). */
        LATENCY
    }

    /** Faults a retrying client must survive without any damage. */
    public static final Set<Fault> TRANSIENT = Collections.unmodifiableSet(EnumSet.of(Fault.SLOW_DOWN,
            Fault.INTERNAL_ERROR, Fault.RESET_BEFORE_BODY, Fault.RESET_DURING_BODY, Fault.RESET_AFTER_BODY,
            Fault.ERROR_AFTER_DONE, Fault.TRUNCATE_BODY, Fault.COMPLETE_200_ERROR, Fault.LATENCY));

    private record Rule(Predicate<String> match, AtomicInteger left, Fault fault, int status, String code,
                        int resetAfter) {
    }

    private record RandomFaults(Random random, double probability, List<Fault> kinds, Predicate<String> match) {
    }

    private static final int MAX_CONNECTIONS = 256;

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final Set<String> completedUploads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger noSuchUpload = new AtomicInteger();
    private volatile RandomFaults randomFaults;
    private volatile int latencyMs = 150;
    private volatile boolean closed;

    private FaultyHttpProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicInteger());
        }
    }

    /** Starts a proxy in front of {@code http://127.0.0.1:port}. */
    public static FaultyHttpProxy start(URI upstream) throws IOException {
        if (!InetAddress.getByName(upstream.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("FaultyHttpProxy only forwards to 127.0.0.1");
        }
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
        Fault f = status == 503 ? Fault.SLOW_DOWN : Fault.INTERNAL_ERROR;
        rules.add(new Rule(requestLine, new AtomicInteger(times), f, status, code, -1));
        return this;
    }

    /** The next {@code times} matching responses are cut (TCP reset) after {@code afterBodyBytes} body bytes. */
    public FaultyHttpProxy resetResponses(Predicate<String> requestLine, int times, int afterBodyBytes) {
        rules.add(new Rule(requestLine, new AtomicInteger(times), Fault.TRUNCATE_BODY, 0, null, afterBodyBytes));
        return this;
    }

    /** The next {@code times} matching requests get {@code fault}. */
    public FaultyHttpProxy inject(Predicate<String> requestLine, int times, Fault fault) {
        int status = fault == Fault.SLOW_DOWN ? 503 : 500;
        String code = fault == Fault.SLOW_DOWN ? "SlowDown" : "InternalError";
        rules.add(new Rule(requestLine, new AtomicInteger(times), fault, status, code, -1));
        return this;
    }

    /**
     * From now on each matching request (not taken by a rule) gets, with {@code probability}, one
     * of {@code kinds} that applies to it, chosen by a {@link Random} seeded with {@code seed}.
     */
    public FaultyHttpProxy randomFaults(long seed, double probability, Set<Fault> kinds, Predicate<String> match) {
        randomFaults = new RandomFaults(new Random(seed), probability, List.copyOf(new TreeSet<>(kinds)), match);
        return this;
    }

    /** Stops random faults (rules stay). */
    public FaultyHttpProxy noRandomFaults() {
        randomFaults = null;
        return this;
    }

    /** Delay of {@link Fault#LATENCY}, milliseconds (default 150; at most 5 s). */
    public FaultyHttpProxy latency(int ms) {
        latencyMs = Math.max(0, Math.min(ms, 5_000));
        return this;
    }

    /** How many times {@code fault} was injected. */
    public int injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** How many faults were injected in all. */
    public int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Counts per fault kind, for reports. */
    public Map<Fault, Integer> injectedCounts() {
        Map<Fault, Integer> m = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /**
     * How many requests naming an upload id that was already completed were answered 404
     * NoSuchUpload by the proxy itself, as S3 and MinIO do (S3Proxy would complete it again).
     */
    public int noSuchUploadAnswers() {
        return noSuchUpload.get();
    }

    private static String uploadId(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("uploadId=([^&\\s]+)").matcher(line);
        return m.find() ? m.group(1) : null;
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
                if (!connections.tryAcquire()) {
                    c.close(); // bounded: too many open connections
                    continue;
                }
                sockets.add(c);
                Thread t = new Thread(() -> {
                    try {
                        serve(c);
                    } finally {
                        connections.release();
                        sockets.remove(c);
                    }
                }, "faulty-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    static boolean isComplete(String line) {
        return line.startsWith("POST ") && line.contains("uploadId=");
    }

    static boolean applies(Fault f, String line) {
        boolean get = line.startsWith("GET ");
        boolean bodySent = line.startsWith("PUT ") || line.startsWith("POST ");
        return switch (f) {
            case RESET_DURING_BODY -> bodySent;
            case TRUNCATE_BODY, FLIP_BYTE -> get;
            case COMPLETE_200_ERROR -> isComplete(line);
            // a lost answer to "create upload" leaves an upload nobody knows: only where retries are idempotent
            case RESET_AFTER_BODY, ERROR_AFTER_DONE -> !(line.startsWith("POST ") && line.contains("?uploads"));
            default -> true;
        };
    }

    private Rule take(String line) {
        for (Rule r : rules) {
            if (r.match.test(line) && r.left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return r;
            }
        }
        RandomFaults rf = randomFaults;
        if (rf != null && rf.match.test(line)) {
            Fault f;
            synchronized (rf.random) {
                if (rf.random.nextDouble() >= rf.probability) {
                    return null;
                }
                List<Fault> ok = rf.kinds.stream().filter(k -> applies(k, line)).toList();
                if (ok.isEmpty()) {
                    return null;
                }
                f = ok.get(rf.random.nextInt(ok.size()));
            }
            int status = f == Fault.SLOW_DOWN ? 503 : 500;
            String code = f == Fault.SLOW_DOWN ? "SlowDown" : "InternalError";
            return new Rule(l -> true, new AtomicInteger(), f, status, code, -1);
        }
        return null;
    }

    private int flipPosition(int length) {
        RandomFaults rf = randomFaults;
        if (rf == null) {
            return length / 2;
        }
        synchronized (rf.random) {
            return rf.random.nextInt(length);
        }
    }

    private static byte[] errorXml(String code) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                + "</Code><Message>injected by FaultyHttpProxy</Message><RequestId>0</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(OutputStream out, int status, String reason, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private void count(Rule rule) {
        injected.get(rule.fault).incrementAndGet();
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
                String upload = uploadId(line);
                if (upload != null && completedUploads.contains(upload)) {
                    if (header(head, "expect") == null) {
                        copyBody(head, cin, OutputStream.nullOutputStream(), false);
                    }
                    noSuchUpload.incrementAndGet();
                    respond(cout, 404, "Not Found", errorXml("NoSuchUpload"));
                    return;
                }
                Rule rule = take(line);
                Fault fault = rule == null ? null : rule.fault;
                if (fault == Fault.RESET_BEFORE_BODY
                        || (fault == Fault.RESET_DURING_BODY && !hasBody(head))) {
                    count(rule);
                    reset(client);
                    return;
                }
                boolean expect = header(head, "expect") != null;
                if (expect) {
                    cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    cout.flush();
                }
                if (fault == Fault.RESET_DURING_BODY) {
                    count(rule);
                    readSomeBody(head, cin);
                    reset(client);
                    return;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                copyBody(head, cin, body, false);
                if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
                    count(rule);
                    respond(cout, rule.status, "Injected", errorXml(rule.code));
                    return;
                }
                if (fault == Fault.LATENCY) {
                    count(rule);
                    sleep(latencyMs);
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
                int status = Integer.parseInt(rhead.get(0).split(" ")[1]);
                boolean noBody = isHead || status == 204 || status == 304;
                if (isComplete(line) && status == 200) {
                    completedUploads.add(upload);
                }
                if (fault != null && fault != Fault.LATENCY) {
                    // the server has carried out the request; read its whole answer first
                    ByteArrayOutputStream rb = new ByteArrayOutputStream();
                    if (!noBody) {
                        copyBody(rhead, uin, rb, true);
                    }
                    byte[] all = rb.toByteArray();
                    if (fault == Fault.RESET_AFTER_BODY) {
                        count(rule);
                        reset(client);
                        return;
                    }
                    if (fault == Fault.ERROR_AFTER_DONE) {
                        count(rule);
                        respond(cout, 500, "Internal Server Error", errorXml("InternalError"));
                        return;
                    }
                    if (fault == Fault.COMPLETE_200_ERROR && status == 200) {
                        count(rule);
                        respond(cout, 200, "OK", errorXml("InternalError"));
                        return;
                    }
                    boolean chunked = isChunked(rhead);
                    if (fault == Fault.FLIP_BYTE && status / 100 == 2 && !chunked && all.length > 0) {
                        count(rule);
                        all[flipPosition(all.length)] ^= 0x5a;
                    }
                    cout.write(headBytes(rhead));
                    if (fault == Fault.TRUNCATE_BODY && all.length > 0) {
                        count(rule);
                        int cut = rule.resetAfter >= 0 ? Math.min(all.length, rule.resetAfter) : all.length / 2;
                        cout.write(all, 0, cut);
                        cout.flush();
                        if (rule.resetAfter >= 0) {
                            reset(client);
                        } else {
                            client.shutdownOutput();
                        }
                        return;
                    }
                    cout.write(all);
                    cout.flush();
                    return;
                }
                cout.write(headBytes(rhead));
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

    private static byte[] headBytes(List<String> head) {
        StringBuilder back = new StringBuilder();
        for (String h : head) {
            back.append(h).append("\r\n");
        }
        back.append("\r\n");
        return back.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean isChunked(List<String> head) {
        String te = header(head, "transfer-encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private static boolean hasBody(List<String> head) {
        String cl = header(head, "content-length");
        return isChunked(head) || (cl != null && Long.parseLong(cl) > 0);
    }

    /** Reads about half of a request body (or a first piece of a chunked one). */
    private static void readSomeBody(List<String> head, InputStream in) throws IOException {
        String cl = header(head, "content-length");
        long n = cl != null ? Long.parseLong(cl) / 2 : 1024;
        in.readNBytes((int) Math.min(n, 1 << 20));
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
