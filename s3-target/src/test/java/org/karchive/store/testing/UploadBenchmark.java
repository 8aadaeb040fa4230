package org.karchive.store.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.karchive.store.ClientKind;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StaticCredentials;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoredObject;

/**
 * Not a test: uploads a generated stream (default 1 GiB) to the embedded S3Proxy with each client
 * and prints throughput, peak heap and CPU seconds per thread group (karchive vs. the server,
 * which shares this JVM and the machine's cores).
 *
 * <pre>
 * mvn -B -o -q -pl s3-target test-compile exec:java -Dexec.args="1024 16 4"
 * java -Xmx512m -cp target/test-classes:target/classes:DEPS org.karchive.store.testing.UploadBenchmark 1024 16 4
 * </pre>
 * Arguments: size in MiB, part size in MiB, parts in flight, optionally one client (aws|minio). Run with plain {@code java -cp}, the
 * server runs in a child JVM, so heap and CPU figures are karchive's alone (the server's CPU is
 * printed beside them); under {@code exec:java} it shares this JVM.
 */
public final class UploadBenchmark {
    private UploadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        long partMib = args.length > 1 ? Long.parseLong(args[1]) : 16;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        List<ClientKind> kinds = args.length > 3 ? List.of(ClientKind.parse(args[3])) : List.of(ClientKind.values());
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        System.out.printf(Locale.ROOT, "upload of %d MiB, parts of %d MiB, %d in flight, max heap %d MiB, %d cores%n",
                sizeMib, partMib, inFlight, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        boolean separate = System.getProperty("java.class.path", "").contains("test-classes");
        Process child = null;
        S3TestServer inProcess = null;
        StoreConfig base;
        String url;
        if (separate) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    S3TestServer.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] f = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().split(" ");
            base = StoreConfig.defaults().withEndpoint(URI.create(f[0])).withCredentials(new StaticCredentials(f[2], f[3]));
            url = "s3://" + f[1] + "/bench";
            System.out.println("server: S3Proxy in a child JVM (pid " + child.pid() + ")");
        } else {
            inProcess = S3TestServer.start();
            base = inProcess.storeConfig();
            url = inProcess.repoUrl("bench");
            System.out.println("server: S3Proxy in this JVM (heap and CPU figures include it)");
        }
        try {
            for (ClientKind kind : kinds) {
                StoreConfig cfg = base.withClient(kind).withPartSize(partMib << 20).withPartsInFlight(inFlight);
                try (ObjectStore store = ObjectStores.open(url, cfg)) {
                    long server0 = child == null ? 0 : cpuNanos(child);
                    System.gc();
                    resetPeaks();
                    Map<String, Long> cpu0 = cpuByGroup();
                    long t0 = System.nanoTime();
                    StoredObject o;
                    try (ObjectWriter w = store.create("big-" + kind, sizeMib << 20)) {
                        for (long i = 0; i < sizeMib; i++) {
                            block[0] = (byte) i;
                            w.write(block);
                        }
                        o = w.commit();
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    Map<String, Long> cpu1 = cpuByGroup();
                    if (child != null) {
                        cpu1.put("server-jvm", cpuNanos(child) - server0);
                    }
                    StringBuilder cpu = new StringBuilder();
                    for (String g : cpu1.keySet()) {
                        long d = cpu1.get(g) - cpu0.getOrDefault(g, 0L);
                        if (d > 50_000_000L) {
                            cpu.append(String.format(Locale.ROOT, " %s=%.1fs", g, d / 1e9));
                        }
                    }
                    System.out.printf(Locale.ROOT, "%-5s %7.1f MB/s (%6.1f MiB/s) in %5.1f s, peak heap %4d MiB,"
                            + " cpu:%s, sha256 %s...%n", kind.name().toLowerCase(), o.size() / secs / 1e6,
                            o.size() / secs / (1 << 20), secs, peakHeap() >> 20, cpu, o.sha256().substring(0, 12));
                    store.delete("big-" + kind);
                }
            }
        } finally {
            if (child != null) {
                child.getOutputStream().close();
                child.waitFor();
            }
            if (inProcess != null) {
                inProcess.close();
            }
        }
    }

    private static long cpuNanos(Process p) {
        return p.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** CPU nanoseconds of live threads, grouped: karchive (writer + part uploads), server (Jetty), http, other. */
    private static Map<String, Long> cpuByGroup() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long t = mx.getThreadCpuTime(ti.getThreadId());
            if (t < 0) {
                continue;
            }
            String n = ti.getThreadName();
            String g = n.startsWith("karchive") || n.equals("main") || n.contains("exec:java") ? "karchive"
                    : n.startsWith("qtp") || n.contains("jetty") || n.startsWith("S3Proxy") ? "server"
                    : n.startsWith("OkHttp") || n.contains("idle-connection") ? "http"
                    : "other";
            out.merge(g, t, Long::sum);
        }
        return out;
    }
}
