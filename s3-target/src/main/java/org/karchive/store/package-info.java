/**
 * Object storage for karchive repositories: the {@link org.karchive.store.ObjectStore} contract
 * and its implementations (local directory, S3). This package stores and fetches opaque byte
 * streams; it must never know about tar, zstd, manifests or file trees.
 */
package org.karchive.store;
