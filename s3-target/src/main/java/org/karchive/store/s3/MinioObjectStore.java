package org.karchive.store.s3;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListMultipartUploadsResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.credentials.Credentials;
import io.minio.credentials.Provider;
import io.minio.credentials.StaticProvider;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import io.minio.messages.Part;
import io.minio.messages.Upload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoreException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@link org.karchive.store.ObjectStore} through the MinIO Java SDK ({@code --s3-client minio}).
 * minio-java uploads the parts of one object one after another; here the shared
 * {@link MultipartWriter} drives its low-level multipart calls in parallel. minio-java sends
 * Content-MD5 for every part and PUT on its own, so {@link org.karchive.store.ChecksumMode} does
 * not apply. Credentials come from the AWS default chain (environment, profile) unless given.
 */
public final class MinioObjectStore extends AbstractS3Store {
    private final MinioAsyncClient client;
    private final OkHttpClient http;
    private final Map<String, String> writeHeaders;

    private MinioObjectStore(MinioAsyncClient client, OkHttpClient http, S3Location location, StoreConfig config,
            String endpoint, UnaryOperator<MultipartApi> decorator) {
        super(location, config, endpoint);
        this.client = client;
        this.http = http;
        Map<String, String> h = new HashMap<>();
        if (config.storageClass() != null) {
            h.put("x-amz-storage-class", config.storageClass());
        }
        if (config.sse() != null) {
            h.put("x-amz-server-side-encryption", config.sse());
        }
        if (config.sseKmsKeyId() != null) {
            h.put("x-amz-server-side-encryption-aws-kms-key-id", config.sseKmsKeyId());
        }
        this.writeHeaders = Map.copyOf(h);
        initMultipart(new Api(), decorator);
    }

    public static MinioObjectStore open(S3Location location, StoreConfig config) throws IOException {
        return open(location, config, System.getenv(), null);
    }

    /**
     * @param env environment for unset options
     * @param decorator wraps the multipart API (tests inject faults here), or null
     */
    public static MinioObjectStore open(S3Location location, StoreConfig config, Map<String, String> env,
            UnaryOperator<MultipartApi> decorator) throws IOException {
        URI endpoint = config.endpointFrom(env);
        String region = config.regionFrom(env);
        String url = endpoint != null ? endpoint.toString() : "https://s3." + region + ".amazonaws.com";
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(128);
        dispatcher.setMaxRequestsPerHost(Math.max(16, config.partsInFlight() * 4));
        OkHttpClient.Builder hb = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(120, TimeUnit.SECONDS)
                .writeTimeout(120, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false)
                .addNetworkInterceptor(new RequestLog.Okhttp());
        Path ca = config.caCertFileFrom(env);
        if (ca != null) {
            var tms = TrustStores.fromPem(ca);
            hb.sslSocketFactory(TrustStores.context(tms).getSocketFactory(), TrustStores.x509(tms));
        }
        OkHttpClient http = hb.build();
        MinioAsyncClient client;
        try {
            client = MinioAsyncClient.builder().endpoint(url).region(region).credentialsProvider(credentials(config))
                    .httpClient(http, true).build();
        } catch (IllegalArgumentException e) {
            throw new StoreException("invalid S3 endpoint " + url + ": " + e.getMessage(), e);
        }
        if (config.pathStyleFor(endpoint)) {
            client.disableVirtualStyleEndpoint();
        } else {
            client.enableVirtualStyleEndpoint();
        }
        MinioObjectStore store = new MinioObjectStore(client, http, location, config, url, decorator);
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

    private static Provider credentials(StoreConfig config) {
        var c = config.credentials();
        if (c != null) {
            return new StaticProvider(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        return () -> {
            AwsCredentials aws = chain.resolveCredentials();
            String token = aws instanceof AwsSessionCredentials s ? s.sessionToken() : null;
            return new Credentials(aws.accessKeyId(), aws.secretAccessKey(), token, null);
        };
    }

    @FunctionalInterface
    private interface MinioCall<T> {
        CompletableFuture<T> start() throws Exception;
    }

    private <T> T call(String op, String storeKey, MinioCall<T> f) throws StoreException {
        try {
            return f.start().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(op + " interrupted", e);
        } catch (ExecutionException e) {
            throw map(op, storeKey, e.getCause());
        } catch (Exception e) {
            throw map(op, storeKey, e);
        }
    }

    private StoreException map(String op, String storeKey, Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StoreException se) {
            return se;
        }
        if (t instanceof ErrorResponseException e) {
            int status = e.response() == null ? 0 : e.response().code();
            return errors.response(op, storeKey, status, e.errorResponse().code(), e.errorResponse().message(), e);
        }
        if (t instanceof ServerException e) {
            return errors.response(op, storeKey, e.statusCode(), null, null, e);
        }
        if (t instanceof InvalidResponseException e) {
            return errors.response(op, storeKey, 0, null, e.getMessage(), e);
        }
        return errors.transport(op, storeKey, t);
    }

    private static String code(StoreException e) {
        return e.getCause() instanceof ErrorResponseException ere ? ere.errorResponse().code() : null;
    }

    private static int status(StoreException e) {
        if (e.getCause() instanceof ErrorResponseException ere && ere.response() != null) {
            return ere.response().code();
        }
        return e.getCause() instanceof ServerException se ? se.statusCode() : 0;
    }

    private void createBucketIfMissing() throws IOException {
        String bucket = location.bucket();
        boolean exists = retrier.call("check bucket",
                () -> call("check bucket", null, () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())));
        if (!exists) {
            retrier.run("create bucket", () -> {
                try {
                    call("create bucket", null, () -> client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()));
                } catch (StoreException e) {
                    if (!"BucketAlreadyOwnedByYou".equals(code(e))) {
                        throw e;
                    }
                }
            });
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
        GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(location.bucket()).object(s3Key);
        if (offset > 0 || length > 0) {
            args.offset(offset);
        }
        if (length > 0) {
            args.length(length);
        }
        try {
            return retrier.call("GET " + key, () -> call("GET", key, () -> client.getObject(args.build())));
        } catch (StoreException e) {
            if (status(e) == 416 || "InvalidRange".equals(code(e))) {
                if (stat(key).isEmpty()) {
                    throw new ObjectNotFoundException(key);
                }
                return InputStream.nullInputStream();
            }
            throw e;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String s3Key = location.keyOf(key);
        return retrier.call("HEAD " + key, () -> {
            try {
                StatObjectResponse r = call("HEAD", key,
                        () -> client.statObject(StatObjectArgs.builder().bucket(location.bucket()).object(s3Key).build()));
                return Optional.of(new ObjectInfo(key, r.size(), r.lastModified().toInstant()));
            } catch (ObjectNotFoundException e) {
                return Optional.<ObjectInfo>empty();
            } catch (StoreException e) {
                if (status(e) == 404 && !"NoSuchBucket".equals(code(e))) {
                    return Optional.<ObjectInfo>empty();
                }
                throw e;
            }
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String s3Prefix = location.listPrefix(prefix);
        return retrier.call("LIST " + prefix, () -> {
            List<ObjectInfo> out = new ArrayList<>();
            try {
                for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(location.bucket())
                        .prefix(s3Prefix).recursive(true).build())) {
                    Item it = r.get();
                    String k = location.storeKeyOf(it.objectName());
                    if (k != null && k.startsWith(prefix) && !it.isDir()) {
                        Instant t = it.lastModified() == null ? Instant.EPOCH : it.lastModified().toInstant();
                        out.add(new ObjectInfo(k, it.size(), t));
                    }
                }
            } catch (Exception e) {
                throw map("LIST", prefix, e);
            }
            out.sort(Comparator.comparing(ObjectInfo::key));
            return out;
        });
    }

    @Override
    public void delete(String key) throws IOException {
        String s3Key = location.keyOf(key);
        retrier.run("DELETE " + key, () -> {
            try {
                call("DELETE", key, () -> client.removeObject(RemoveObjectArgs.builder().bucket(location.bucket())
                        .object(s3Key).build()));
            } catch (ObjectNotFoundException e) {
                // already gone
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
                    prefix, () -> client.listMultipartUploadsAsync(location.bucket(), null, null, null, km, null,
                            s3Prefix, im, null, null)));
            for (Upload u : page.result().uploads()) {
                String k = location.storeKeyOf(u.objectName());
                if (k != null && k.startsWith(prefix)) {
                    Instant t = u.initiated() == null ? Instant.EPOCH : u.initiated().toInstant();
                    out.add(new PendingUpload(k, u.uploadId(), t));
                }
            }
            if (!page.result().isTruncated()) {
                break;
            }
            keyMarker = page.result().nextKeyMarker();
            idMarker = page.result().nextUploadIdMarker();
        }
        out.sort(Comparator.comparing(PendingUpload::key).thenComparing(PendingUpload::uploadId));
        return out;
    }

    @Override
    public void abortPendingUpload(PendingUpload upload) throws IOException {
        String s3Key = location.keyOf(upload.key());
        retrier.run("abort upload of " + upload.key(), () -> abortUpload(s3Key, upload.key(), upload.uploadId()));
    }

    private void abortUpload(String s3Key, String storeKey, String uploadId) throws StoreException {
        try {
            call("abort upload of", storeKey, () -> client.abortMultipartUploadAsync(location.bucket(), null, s3Key,
                    uploadId, null, null));
        } catch (StoreException e) {
            if (!(e instanceof NoSuchUploadException) && status(e) != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        try {
            client.close();
        } catch (Exception e) {
            // closing the HTTP client
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** The multipart calls, one attempt each. */
    private final class Api implements MultipartApi {
        private String shown(String s3Key) {
            String k = location.storeKeyOf(s3Key);
            return k == null ? s3Key : k;
        }

        private com.google.common.collect.Multimap<String, String> headers() {
            var m = com.google.common.collect.ArrayListMultimap.<String, String>create();
            writeHeaders.forEach(m::put);
            return m;
        }

        @Override
        public String create(String key) throws IOException {
            return call("create upload of", shown(key), () -> client.createMultipartUploadAsync(location.bucket(),
                    null, key, headers(), null)).result().uploadId();
        }

        @Override
        public CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length)
                throws IOException {
            String etag = call("upload part " + partNumber + " of", shown(key), () -> client.uploadPartAsync(
                    location.bucket(), null, key, data, length, uploadId, partNumber, null, null)).etag();
            return new CompletedPart(partNumber, etag, null);
        }

        @Override
        public void complete(String key, String uploadId, List<CompletedPart> parts) throws IOException {
            Part[] ps = new Part[parts.size()];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = new Part(parts.get(i).partNumber(), parts.get(i).etag());
            }
            call("complete upload of", shown(key), () -> client.completeMultipartUploadAsync(location.bucket(), null,
                    key, uploadId, ps, null, null));
        }

        @Override
        public void abort(String key, String uploadId) throws IOException {
            abortUpload(key, shown(key), uploadId);
        }

        @Override
        public void putObject(String key, byte[] data, int length) throws IOException {
            long partSize = Math.max(length, StoreConfig.MIN_PART_SIZE);
            call("PUT", shown(key), () -> client.putObject(PutObjectArgs.builder().bucket(location.bucket())
                    .object(key).headers(writeHeaders)
                    .stream(new ByteArrayInputStream(data, 0, length), length, partSize).build()));
        }

        @Override
        public void deleteObject(String key) throws IOException {
            call("DELETE", shown(key), () -> client.removeObject(RemoveObjectArgs.builder().bucket(location.bucket())
                    .object(key).build()));
        }

        @Override
        public java.io.InputStream read(String key) throws IOException {
            return MinioObjectStore.this.get(shown(key), 0, -1);
        }

        @Override
        public OptionalLong storedSize(String key) throws IOException {
            try {
                return OptionalLong.of(call("HEAD", shown(key), () -> client.statObject(StatObjectArgs.builder()
                        .bucket(location.bucket()).object(key).build())).size());
            } catch (ObjectNotFoundException e) {
                return OptionalLong.empty();
            } catch (StoreException e) {
                if (status(e) == 404) {
                    return OptionalLong.empty();
                }
                throw e;
            }
        }
    }
}
