/**
 * Kaapana support: the {@code archive --kaapana} preset (which data directories, the Kaapana
 * version, and the preflight that refuses a backup while the platform is alive) and the
 * {@code restore --kaapana-remap} planning that maps archived {@code <namespace>-<pvc>-pvc-<uuid>}
 * volume folders to the folders a reinstall created. Nothing here writes data; restoring stays in
 * {@code ops} and the format module, which know nothing of Kaapana.
 */
package org.karchive.app.kaapana;
