package org.karchive.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory, path-style S3 endpoint on 127.0.0.1 for {@link CdsTraining} only: just enough of
 * the protocol (objects, ranges, listing, multipart) for karchive's commands to run their usual
 * requests once, so their classes are recorded. No authentication, one bucket, no persistence;
 * never used for data.
 */
final class TrainingEndpoint implements AutoCloseable {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, TreeMap<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private TrainingEndpoint(HttpServer server) {
        this.server = server;
    }

    static TrainingEndpoint start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TrainingEndpoint e = new TrainingEndpoint(s);
        s.createContext("/", x -> {
            try (x) {
                e.handle(x);
            } catch (RuntimeException ex) {
                x.sendResponseHeaders(500, -1);
            }
        });
        s.start();
        return e;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        byte[] body = x.getRequestBody().readAllBytes();
        int slash = path.indexOf('/', 1);
        String bucket = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String key = slash < 0 ? "" : path.substring(slash + 1);
        String m = x.getRequestMethod();
        if (key.isEmpty()) {
            if (m.equals("GET") && q.containsKey("uploads")) {
                xml(x, 200, "<ListMultipartUploadsResult><Bucket>" + bucket
                        + "</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>");
            } else if (m.equals("GET")) {
                list(x, bucket, q.getOrDefault("prefix", ""));
            } else {
                x.sendResponseHeaders(200, -1);
            }
            return;
        }
        switch (m) {
            case "HEAD", "GET" -> read(x, key, m.equals("HEAD"));
            case "PUT" -> {
                if (q.containsKey("uploadId")) {
                    TreeMap<Integer, byte[]> parts = uploads.get(q.get("uploadId"));
                    if (parts == null) {
                        x.sendResponseHeaders(404, -1);
                        return;
                    }
                    parts.put(Integer.parseInt(q.get("partNumber")), body);
                } else {
                    objects.put(key, body);
                }
                x.getResponseHeaders().set("ETag", etag(body));
                x.sendResponseHeaders(200, -1);
            }
            case "POST" -> {
                if (q.containsKey("uploads")) {
                    String id = "u" + ids.incrementAndGet();
                    uploads.put(id, new TreeMap<>());
                    xml(x, 200, "<InitiateMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" + key
                            + "</Key><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
                } else {
                    TreeMap<Integer, byte[]> parts = uploads.remove(q.get("uploadId"));
                    if (parts == null) {
                        x.sendResponseHeaders(404, -1);
                        return;
                    }
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    for (byte[] p : parts.values()) {
                        all.write(p);
                    }
                    byte[] data = all.toByteArray();
                    objects.put(key, data);
                    xml(x, 200, "<CompleteMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" + key
                            + "</Key><ETag>" + etag(data) + "</ETag></CompleteMultipartUploadResult>");
                }
            }
            case "DELETE" -> {
                if (q.containsKey("uploadId")) {
                    uploads.remove(q.get("uploadId"));
                } else {
                    objects.remove(key);
                }
                x.sendResponseHeaders(204, -1);
            }
            default -> x.sendResponseHeaders(405, -1);
        }
    }

    private void read(HttpExchange x, String key, boolean head) throws IOException {
        byte[] data = objects.get(key);
        if (data == null) {
            if (head) {
                x.sendResponseHeaders(404, -1);
            } else {
                xml(x, 404, "<Error><Code>NoSuchKey</Code><Message>not found</Message></Error>");
            }
            return;
        }
        x.getResponseHeaders().set("ETag", etag(data));
        x.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(Instant.now()));
        x.getResponseHeaders().set("Content-Type", "application/octet-stream");
        if (head) {
            x.getResponseHeaders().set("Content-Length", Long.toString(data.length));
            x.sendResponseHeaders(200, -1);
            return;
        }
        int from = 0;
        int to = data.length - 1;
        int status = 200;
        String range = x.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            String[] r = range.substring(6).split("-", 2);
            if (r[0].isEmpty()) {
                from = Math.max(0, data.length - Integer.parseInt(r[1]));
            } else {
                from = Integer.parseInt(r[0]);
                if (!r[1].isEmpty()) {
                    to = Math.min(to, Integer.parseInt(r[1]));
                }
            }
            status = 206;
            x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
        }
        int len = Math.max(0, to - from + 1);
        x.sendResponseHeaders(status, len == 0 ? -1 : len);
        try (OutputStream out = x.getResponseBody()) {
            out.write(data, from, len);
        }
    }

    private void list(HttpExchange x, String bucket, String prefix) throws IOException {
        StringBuilder b = new StringBuilder("<ListBucketResult><Name>").append(bucket).append("</Name><Prefix>")
                .append(prefix).append("</Prefix><IsTruncated>false</IsTruncated>");
        int n = 0;
        for (Map.Entry<String, byte[]> e : new TreeMap<>(objects).entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                n++;
                b.append("<Contents><Key>").append(e.getKey()).append("</Key><LastModified>")
                        .append(Instant.now()).append("</LastModified><ETag>").append(etag(e.getValue()))
                        .append("</ETag><Size>").append(e.getValue().length).append("</Size></Contents>");
            }
        }
        b.append("<KeyCount>").append(n).append("</KeyCount></ListBucketResult>");
        xml(x, 200, b.toString());
    }

    private static void xml(HttpExchange x, int status, String doc) throws IOException {
        byte[] b = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + doc).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/xml");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static String etag(byte[] data) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
            q.put(k, eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }
}
