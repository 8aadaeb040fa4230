/**
 * Test support for karchive, published in the archive-format test-jar: a seeded generator of
 * trees shaped like a small Kaapana instance ({@link org.karchive.testsupport.KaapanaCorpus}),
 * with an optional folder of filesystem edge cases, and tools to compare a source tree with a
 * restored one ({@link org.karchive.testsupport.TreeListing},
 * {@link org.karchive.testsupport.SparseCheck}).
 *
 * <p>This package is test code only: it is never shipped in a karchive release, nothing under
 * {@code src/main} may depend on it, and it must never write outside the directory it is given.
 * It runs on Linux (it uses {@code unix:*} file attributes, {@code mkfifo}, {@code touch} and
 * {@code stat}) and chowns only when running as root; otherwise it records the intended owners.
 */
package org.karchive.testsupport;
