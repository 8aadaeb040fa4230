package org.karchive.store.s3;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.karchive.store.BucketNotFoundException;
import org.karchive.store.ClockSkewException;
import org.karchive.store.EndpointUnreachableException;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.RetryableStoreException;
import org.karchive.store.StoreAccessDeniedException;
import org.karchive.store.StoreException;
import org.karchive.store.StoreTlsException;

/**
 * Turns S3 error responses and transport failures of either SDK into the
 * {@link StoreException} hierarchy, with short messages that say what to check. Messages name
 * the endpoint, bucket and key, never credentials or signed URLs.
 */
public final class S3Errors {
    private static final Set<String> THROTTLING = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequests", "RequestThrottled", "ServiceUnavailable", "InternalError",
            "RequestTimeout", "OperationAborted");
    private static final Set<String> CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "InvalidClientTokenId", "AuthorizationHeaderMalformed");

    private final String endpoint;
    private final S3Location location;

    public S3Errors(String endpoint, S3Location location) {
        this.endpoint = endpoint;
        this.location = location;
    }

    /**
     * Maps an S3 error response.
     *
     * @param op what was being done, e.g. "GET" or "upload part 3"
     * @param storeKey the store key concerned, or null
     * @param status HTTP status (0 if unknown)
     * @param code S3 error code, or null (HEAD responses have none)
     * @param serverMessage the server's message, or null
     */
    public StoreException response(String op, String storeKey, int status, String code, String serverMessage,
            Throwable cause) {
        String what = op + (storeKey == null ? "" : " " + storeKey) + " on " + location;
        String detail = (code == null ? "HTTP " + status : code + ", HTTP " + status)
                + (serverMessage == null || serverMessage.isBlank() ? "" : ": " + oneLine(serverMessage));
        if ("NoSuchBucket".equals(code)) {
            return new BucketNotFoundException("bucket '" + location.bucket() + "' does not exist at " + endpoint
                    + ": check the repository URL, or create it (--create-bucket)", cause);
        }
        if ("NoSuchUpload".equals(code)) {
            return new NoSuchUploadException(what + " failed: the multipart upload no longer exists (" + detail + ")",
                    cause);
        }
        if ("NoSuchKey".equals(code) && storeKey != null) {
            ObjectNotFoundException e = new ObjectNotFoundException(storeKey);
            e.initCause(cause);
            return e;
        }
        if ("RequestTimeTooSkewed".equals(code)) {
            return new ClockSkewException(what + " refused: the local clock differs too much from the server's ("
                    + detail + "); synchronise the clock (NTP)", cause);
        }
        if (code != null && CREDENTIALS.contains(code)) {
            return new StoreAccessDeniedException(what + " refused (" + detail + "): check the access key and secret"
                    + " (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and the region", cause);
        }
        if (status == 403 || "AccessDenied".equals(code)) {
            return new StoreAccessDeniedException(what + " denied (" + detail + "): check the credentials"
                    + " (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and the bucket policy", cause);
        }
        if (status >= 500 || status == 429 || (code != null && THROTTLING.contains(code))) {
            return new RetryableStoreException(what + " failed (" + detail + ")", cause);
        }
        return new StoreException(what + " failed (" + detail + ")", cause);
    }

    /** Maps a failure without an S3 error response: connection, TLS, timeout, interruption. */
    public StoreException transport(String op, String storeKey, Throwable t) {
        String what = op + (storeKey == null ? "" : " " + storeKey) + " on " + location;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getSimpleName().contains("ConnectTimeout")) {
                return new EndpointUnreachableException("timed out connecting to the S3 endpoint " + endpoint
                        + ": check --endpoint / AWS_ENDPOINT_URL_S3, firewalls and proxies", t);
            }
            if (c instanceof SSLException || c instanceof CertificateException) {
                return new StoreTlsException("TLS with " + endpoint + " failed (" + oneLine(c.getMessage())
                        + "): check the endpoint's certificate or give its CA bundle (AWS_CA_BUNDLE)", t);
            }
            if (c instanceof UnknownHostException) {
                return new EndpointUnreachableException("cannot resolve the S3 endpoint " + endpoint + " ("
                        + oneLine(c.getMessage()) + "): check --endpoint / AWS_ENDPOINT_URL_S3 and DNS", t);
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return new EndpointUnreachableException("cannot connect to the S3 endpoint " + endpoint + " ("
                        + oneLine(c.getMessage()) + "): check --endpoint / AWS_ENDPOINT_URL_S3 and that the server"
                        + " is running", t);
            }
            if (c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException)) {
                return new StoreException(what + " interrupted", t);
            }
        }
        return new RetryableStoreException(what + " failed: " + oneLine(String.valueOf(t.getMessage())), t);
    }

    public String endpoint() {
        return endpoint;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
