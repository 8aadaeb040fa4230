package org.karchive.store;

/** How uploads are protected in transit. */
public enum ChecksumMode {
    /** {@link #SDK} for AWS endpoints, {@link #MD5} for every custom endpoint. */
    AUTO,
    /**
     * Compatibility mode for S3-compatible stores: Content-MD5 on every PUT and part, checksums
     * only where an operation requires one, no aws-chunked bodies or checksum trailers.
     */
    MD5,
    /** The AWS SDK's defaults (CRC32 checksums, often as aws-chunked trailers). AWS S3 only. */
    SDK
}
