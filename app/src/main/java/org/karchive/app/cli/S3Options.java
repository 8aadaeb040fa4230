package org.karchive.app.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.karchive.app.UsageException;
import org.karchive.store.ChecksumMode;
import org.karchive.store.ClientKind;
import org.karchive.store.StoreConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * S3 settings, accepted before or after the command name. Credentials are deliberately not
 * options: they come from the AWS default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
 * AWS_PROFILE, ...), never from the command line.
 */
public final class S3Options {
    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "S3 endpoint, e.g. https://minio.example:9000 (else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL).")
    String endpoint;

    @Option(names = "--region", scope = ScopeType.INHERIT, description = "Region (else AWS_REGION, else us-east-1).")
    String region;

    @Option(names = "--s3-client", scope = ScopeType.INHERIT, paramLabel = "aws|minio", defaultValue = "aws",
            description = "S3 SDK to use (default ${DEFAULT-VALUE}).")
    String client;

    @Option(names = "--checksum-mode", scope = ScopeType.INHERIT, paramLabel = "auto|md5|sdk",
            defaultValue = "auto", description = "Upload integrity: md5 = Content-MD5 per part, no checksum "
                    + "trailers (S3-compatible stores); sdk = the AWS SDK's CRC trailers (AWS); auto = sdk for AWS, "
                    + "md5 elsewhere (default).")
    String checksumMode;

    @Option(names = "--path-style", scope = ScopeType.INHERIT, arity = "1", paramLabel = "true|false",
            description = "Path-style addressing (default: on for custom endpoints).")
    Boolean pathStyle;

    @Option(names = "--part-size", scope = ScopeType.INHERIT, paramLabel = "SIZE", converter = Sizes.class,
            description = "Multipart part size (default 8MiB; raised automatically for huge objects).")
    Long partSize;

    @Option(names = "--parts-in-flight", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "Parts uploaded in parallel per object (default 4).")
    Integer partsInFlight;

    @Option(names = "--ca-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM file of a private CA to trust (else AWS_CA_BUNDLE).")
    Path caCert;

    @Option(names = "--storage-class", scope = ScopeType.INHERIT, paramLabel = "CLASS",
            description = "Storage class of uploaded objects, e.g. STANDARD_IA.")
    String storageClass;

    @Option(names = "--sse", scope = ScopeType.INHERIT, paramLabel = "AES256|aws:kms",
            description = "Server-side encryption.")
    String sse;

    @Option(names = "--sse-kms-key-id", scope = ScopeType.INHERIT, paramLabel = "ID",
            description = "KMS key for --sse aws:kms.")
    String sseKmsKeyId;

    @Option(names = "--create-bucket", scope = ScopeType.INHERIT,
            description = "Create the bucket if it does not exist.")
    boolean createBucket;

    /** The store configuration these options describe. */
    public StoreConfig config() {
        try {
            StoreConfig c = StoreConfig.defaults();
            if (endpoint != null) {
                c = c.withEndpoint(URI.create(endpoint));
            }
            if (region != null) {
                c = c.withRegion(region);
            }
            c = c.withClient(ClientKind.parse(client));
            c = c.withChecksumMode(ChecksumMode.valueOf(checksumMode.toUpperCase(Locale.ROOT)));
            if (pathStyle != null) {
                c = c.withPathStyle(pathStyle);
            }
            if (partSize != null) {
                c = c.withPartSize(partSize);
            }
            if (partsInFlight != null) {
                c = c.withPartsInFlight(partsInFlight);
            }
            if (caCert != null) {
                c = c.withCaCertFile(caCert);
            }
            if (storageClass != null) {
                c = c.withStorageClass(storageClass);
            }
            if (sse != null || sseKmsKeyId != null) {
                c = c.withSse(sse, sseKmsKeyId);
            }
            return c.withCreateBucket(createBucket);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Refuses, before anything is uploaded, part settings whose buffers would not fit in this JVM's
     * heap (parts in flight, the one being filled and one spare, plus ~64 MiB for the rest of an
     * archive): a clear message instead of running out of memory halfway.
     */
    public static void checkUploadMemory(StoreConfig c, long maxHeap) {
        long mib = 1L << 20;
        long needed = c.partSize() * (c.partsInFlight() + 2L) + 64 * mib;
        if (needed > maxHeap / 10 * 9) {
            throw new UsageException("--part-size " + c.partSize() / mib + "MiB with --parts-in-flight "
                    + c.partsInFlight() + " needs about " + needed / mib + " MiB of heap for upload buffers, and this "
                    + "JVM has " + maxHeap / mib + " MiB: use smaller or fewer parts, or a larger -Xmx in "
                    + "KARCHIVE_JAVA_OPTS");
        }
    }
}
