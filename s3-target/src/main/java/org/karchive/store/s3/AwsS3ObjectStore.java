package org.karchive.store.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.BoundedStream;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoreException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * {@link org.karchive.store.ObjectStore} on any S3 endpoint through the AWS SDK v2 sync client.
 * Uploads go through the shared {@link MultipartWriter}; the SDK's own retries are off because
 * the {@link Retrier} retries every request (per part for uploads).
 */
public final class AwsS3ObjectStore extends AbstractS3Store {
    private final S3Client s3;
    private final boolean md5;

    private AwsS3ObjectStore(S3Client s3, S3Location location, StoreConfig config, String endpoint, boolean md5,
            UnaryOperator<MultipartApi> decorator) {
        super(location, config, endpoint);
        this.s3 = s3;
        this.md5 = md5;
        initMultipart(new Api(), decorator);
    }

    /** Opens a store with the process environment for unset options. */
    public static AwsS3ObjectStore open(S3Location location, StoreConfig config) throws IOException {
        return open(location, config, System.getenv(), null, List.of());
    }

    /**
     * Opens a store.
     *
     * @param env environment for unset options ({@code AWS_ENDPOINT_URL_S3}, {@code AWS_REGION}, ...)
     * @param decorator wraps the multipart API (tests inject faults here), or null
     * @param interceptors extra SDK interceptors (tests record requests here)
     */
    public static AwsS3ObjectStore open(S3Location location, StoreConfig config, Map<String, String> env,
            UnaryOperator<MultipartApi> decorator, List<ExecutionInterceptor> interceptors) throws IOException {
        URI endpoint = config.endpointFrom(env);
        String region = config.regionFrom(env);
        boolean md5 = config.md5ModeFor(endpoint);
        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .maxConnections(Math.max(50, config.partsInFlight() * 4))
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(120));
        Path ca = config.caCertFileFrom(env);
        if (ca != null) {
            var tms = TrustStores.fromPem(ca);
            http.tlsTrustManagersProvider(() -> tms);
        }
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry());
        override.addExecutionInterceptor(new RequestLog.Aws());
        interceptors.forEach(override::addExecutionInterceptor);
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(http)
                .overrideConfiguration(override.build())
                .forcePathStyle(config.pathStyleFor(endpoint));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        if (md5) {
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .addPlugin(LegacyMd5Plugin.create())
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        }
        String shown = endpoint != null ? endpoint.toString() : "AWS S3 (" + region + ")";
        AwsS3ObjectStore store = new AwsS3ObjectStore(b.build(), location, config, shown, md5, decorator);
        try {
            if (config.createBucket()) {
                store.createBucketIfMissing();
            }
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static AwsCredentialsProvider credentials(StoreConfig config) {
        var c = config.credentials();
        if (c == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(c.sessionToken() == null
                ? AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())
                : AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    private void createBucketIfMissing() throws IOException {
        String bucket = location.bucket();
        boolean exists = retrier.call("check bucket", () -> {
            try {
                s3.headBucket(r -> r.bucket(bucket));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw map("check bucket", null, e);
            } catch (SdkException e) {
                throw map("check bucket", null, e);
            }
        });
        if (!exists) {
            retrier.run("create bucket", () -> {
                try {
                    s3.createBucket(r -> r.bucket(bucket));
                } catch (S3Exception e) {
                    String code = code(e);
                    if (!"BucketAlreadyOwnedByYou".equals(code)) {
                        throw map("create bucket", null, e);
                    }
                } catch (SdkException e) {
                    throw map("create bucket", null, e);
                }
            });
        }
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private StoreException map(String op, String storeKey, SdkException e) {
        if (e instanceof S3Exception s) {
            String msg = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            return errors.response(op, storeKey, s.statusCode(), code(s), msg, e);
        }
        if (e instanceof SdkClientException || e.getCause() != null) {
            return errors.transport(op, storeKey, e);
        }
        return errors.transport(op, storeKey, e);
    }

    private <T> T call(String op, String storeKey, Supplier<T> f) throws StoreException {
        try {
            return f.get();
        } catch (SdkException e) {
            throw map(op, storeKey, e);
        }
    }

    @Override
    protected InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        String s3Key = location.keyOf(key);
        if (length == 0) {
            if (stat(key).isEmpty()) {
                throw new ObjectNotFoundException(key);
            }
            return InputStream.nullInputStream();
        }
        String range = offset == 0 && length < 0 ? null
                : "bytes=" + offset + "-" + (length < 0 ? "" : Long.toString(offset + length - 1));
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = retrier.call("GET " + key, () -> call("GET", key,
                    () -> s3.getObject(GetObjectRequest.builder().bucket(location.bucket()).key(s3Key).range(range)
                            .build())));
        } catch (StoreException e) {
            if (e.getCause() instanceof S3Exception s && s.statusCode() == 416) {
                if (stat(key).isEmpty()) {
                    throw new ObjectNotFoundException(key);
                }
                return InputStream.nullInputStream();
            }
            throw e;
        }
        if (range != null && in.response().contentRange() == null) {
            // the server ignored the range and sent the whole object
            in.skipNBytes(Math.min(offset, in.response().contentLength() == null ? offset
                    : in.response().contentLength()));
            return length < 0 ? in : new BoundedStream(in, length);
        }
        return in;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String s3Key = location.keyOf(key);
        return retrier.call("HEAD " + key, () -> {
            try {
                HeadObjectResponse r = s3.headObject(h -> h.bucket(location.bucket()).key(s3Key));
                return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified()));
            } catch (S3Exception e) {
                if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
                    return Optional.<ObjectInfo>empty();
                }
                throw map("HEAD", key, e);
            } catch (SdkException e) {
                throw map("HEAD", key, e);
            }
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String s3Prefix = location.listPrefix(prefix);
        List<ObjectInfo> out = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = retrier.call("LIST " + prefix, () -> call("LIST", prefix,
                    () -> s3.listObjectsV2(r -> r.bucket(location.bucket()).prefix(s3Prefix).continuationToken(t))));
            for (S3Object o : page.contents()) {
                String k = location.storeKeyOf(o.key());
                if (k != null && k.startsWith(prefix)) {
                    out.add(new ObjectInfo(k, o.size(), o.lastModified()));
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        String s3Key = location.keyOf(key);
        retrier.run("DELETE " + key, () -> {
            try {
                s3.deleteObject(d -> d.bucket(location.bucket()).key(s3Key));
            } catch (S3Exception e) {
                if (e.statusCode() != 404 || "NoSuchBucket".equals(code(e))) {
                    throw map("DELETE", key, e);
                }
            } catch (SdkException e) {
                throw map("DELETE", key, e);
            }
        });
    }

    @Override
    public List<PendingUpload> listPendingUploads(String prefix) throws IOException {
        String s3Prefix = location.listPrefix(prefix);
        List<PendingUpload> out = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        while (true) {
            String km = keyMarker;
            String im = idMarker;
            ListMultipartUploadsResponse page = retrier.call("list uploads " + prefix, () -> call("list uploads",
                    prefix, () -> s3.listMultipartUploads(r -> r.bucket(location.bucket()).prefix(s3Prefix)
                            .keyMarker(km).uploadIdMarker(im))));
            for (MultipartUpload u : page.uploads()) {
                String k = location.storeKeyOf(u.key());
                if (k != null && k.startsWith(prefix)) {
                    out.add(new PendingUpload(k, u.uploadId(), u.initiated()));
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            idMarker = page.nextUploadIdMarker();
        }
        out.sort(Comparator.comparing(PendingUpload::key).thenComparing(PendingUpload::uploadId));
        return out;
    }

    @Override
    public void abortPendingUpload(PendingUpload upload) throws IOException {
        String s3Key = location.keyOf(upload.key());
        retrier.run("abort upload of " + upload.key(), () -> {
            try {
                s3.abortMultipartUpload(a -> a.bucket(location.bucket()).key(s3Key).uploadId(upload.uploadId()));
            } catch (S3Exception e) {
                if (!"NoSuchUpload".equals(code(e)) && e.statusCode() != 404) {
                    throw map("abort upload of", upload.key(), e);
                }
            } catch (SdkException e) {
                throw map("abort upload of", upload.key(), e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        super.close();
        s3.close();
    }

    static String md5Base64(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(data, 0, length);
            return Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length,
                "application/octet-stream");
    }

    /** The multipart calls, one attempt each. */
    private final class Api implements MultipartApi {
        private String shown(String s3Key) {
            String k = location.storeKeyOf(s3Key);
            return k == null ? s3Key : k;
        }

        @Override
        public String create(String key) throws IOException {
            return call("create upload of", shown(key), () -> s3.createMultipartUpload(
                    CreateMultipartUploadRequest.builder().bucket(location.bucket()).key(key)
                            .storageClass(config.storageClass())
                            .serverSideEncryption(config.sse())
                            .ssekmsKeyId(config.sseKmsKeyId())
                            .checksumAlgorithm(md5 ? null : ChecksumAlgorithm.CRC32)
                            .build()).uploadId());
        }

        @Override
        public CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length)
                throws IOException {
            UploadPartRequest.Builder req = UploadPartRequest.builder().bucket(location.bucket()).key(key)
                    .uploadId(uploadId).partNumber(partNumber).contentLength((long) length);
            if (md5) {
                req.contentMD5(md5Base64(data, length));
            } else {
                req.checksumAlgorithm(ChecksumAlgorithm.CRC32);
            }
            UploadPartResponse r = call("upload part " + partNumber + " of", shown(key),
                    () -> s3.uploadPart(req.build(), body(data, length)));
            return new CompletedPart(partNumber, r.eTag(), r.checksumCRC32());
        }

        @Override
        public void complete(String key, String uploadId, List<CompletedPart> parts) throws IOException {
            List<software.amazon.awssdk.services.s3.model.CompletedPart> sdkParts = new ArrayList<>(parts.size());
            for (CompletedPart p : parts) {
                sdkParts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                        .partNumber(p.partNumber()).eTag(p.etag()).checksumCRC32(md5 ? null : p.checksum()).build());
            }
            call("complete upload of", shown(key), () -> s3.completeMultipartUpload(
                    CompleteMultipartUploadRequest.builder().bucket(location.bucket()).key(key).uploadId(uploadId)
                            .multipartUpload(CompletedMultipartUpload.builder().parts(sdkParts).build()).build()));
        }

        @Override
        public void abort(String key, String uploadId) throws IOException {
            try {
                s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(location.bucket()).key(key)
                        .uploadId(uploadId).build());
            } catch (S3Exception e) {
                if (!"NoSuchUpload".equals(code(e)) && e.statusCode() != 404) {
                    throw map("abort upload of", shown(key), e);
                }
            } catch (SdkException e) {
                throw map("abort upload of", shown(key), e);
            }
        }

        @Override
        public void putObject(String key, byte[] data, int length) throws IOException {
            PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(location.bucket()).key(key)
                    .contentLength((long) length)
                    .storageClass(config.storageClass())
                    .serverSideEncryption(config.sse())
                    .ssekmsKeyId(config.sseKmsKeyId());
            if (md5) {
                req.contentMD5(md5Base64(data, length));
            }
            call("PUT", shown(key), () -> s3.putObject(req.build(), body(data, length)));
        }

        @Override
        public void deleteObject(String key) throws IOException {
            call("DELETE", shown(key), () -> s3.deleteObject(d -> d.bucket(location.bucket()).key(key)));
        }

        @Override
        public java.io.InputStream read(String key) throws IOException {
            return AwsS3ObjectStore.this.get(shown(key), 0, -1);
        }

        @Override
        public OptionalLong storedSize(String key) throws IOException {
            try {
                return OptionalLong.of(s3.headObject(h -> h.bucket(location.bucket()).key(key)).contentLength());
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return OptionalLong.empty();
                }
                throw map("HEAD", shown(key), e);
            } catch (SdkException e) {
                throw map("HEAD", shown(key), e);
            }
        }
    }
}
