/**
 * Test support shipped in the s3-target test-jar, for this module's tests and for other modules'
 * end-to-end tests: the {@link org.karchive.store.testing.ObjectStoreContract} suite every store
 * must pass, an embedded S3 server ({@link org.karchive.store.testing.S3TestServer}, S3Proxy on
 * 127.0.0.1), MinIO in Docker where present, an in-memory store, fault injection around the
 * multipart API, and the upload benchmark.
 *
 * <p>Must never: be used by production code; listen on anything but 127.0.0.1; use fixed ports or
 * fixed credentials; contact a network service other than the servers it starts; leave
 * temporary directories or containers behind after {@code close()}.
 */
package org.karchive.store.testing;
