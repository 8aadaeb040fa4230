/**
 * S3 implementations of {@link org.karchive.store.ObjectStore}: one on the AWS SDK v2, one on the
 * MinIO SDK, sharing one streaming multipart engine ({@link org.karchive.store.s3.MultipartWriter}
 * over the small {@link org.karchive.store.s3.MultipartApi}), one retry policy
 * ({@link org.karchive.store.s3.Retrier}) and one error mapping
 * ({@link org.karchive.store.s3.S3Errors}).
 *
 * <p>Must never: stage uploads on disk or hold an object whole in memory (memory is parts in
 * flight x part size); leave an incomplete multipart upload behind after a failure it saw; log or
 * put into messages a secret key, session token, Authorization header or presigned URL; use S3
 * features outside the common core (PUT, multipart, ranged GET, HEAD, ListObjectsV2, DELETE,
 * list/abort uploads); know anything about tar, zstd or manifests. Application code opens stores
 * through {@link org.karchive.store.ObjectStores}, not these classes.
 */
package org.karchive.store.s3;
