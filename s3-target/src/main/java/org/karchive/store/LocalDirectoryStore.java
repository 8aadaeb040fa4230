package org.karchive.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link ObjectStore} in a local directory. Objects are files below the root; an upload is
 * written to a hidden temporary file beside its target, fsynced, then renamed into place, so a
 * crash never leaves a partial object under its real name.
 */
public final class LocalDirectoryStore implements ObjectStore {
    static final String TMP_PREFIX = ".karchive-tmp-";

    private final Path root;

    public LocalDirectoryStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
    }

    public Path root() {
        return root;
    }

    private Path resolve(String key) {
        Path p = root.resolve(Keys.check(key)).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("key escapes the store: " + key);
        }
        return p;
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        String uploadId = UUID.randomUUID().toString();
        Path tmp = target.resolveSibling(TMP_PREFIX + uploadId + "-" + target.getFileName());
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new LocalWriter(key, target, tmp, ch);
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        Path p = resolve(key);
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
        ch.position(offset);
        InputStream in = Channels.newInputStream(ch);
        if (length < 0) {
            return in;
        }
        return new BoundedStream(in, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path p = resolve(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        List<ObjectInfo> out = new ArrayList<>();
        walk(prefix, (rel, attrs) -> {
            if (!rel.startsWith(prefix)) {
                return;
            }
            if (isTemp(rel)) {
                return;
            }
            out.add(new ObjectInfo(rel, attrs.size(), attrs.lastModifiedTime().toInstant()));
        });
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    private static boolean isTemp(String rel) {
        int slash = rel.lastIndexOf('/');
        return rel.substring(slash + 1).startsWith(TMP_PREFIX);
    }

    private interface FileVisitor {
        void visit(String relKey, BasicFileAttributes attrs);
    }

    /** Walks the smallest directory that holds every key with the prefix. */
    private void walk(String prefix, FileVisitor visitor) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    String rel = root.relativize(file).toString().replace('\\', '/');
                    visitor.visit(rel, attrs);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public List<PendingUpload> listPendingUploads(String prefix) throws IOException {
        List<PendingUpload> out = new ArrayList<>();
        walk(prefix, (rel, attrs) -> {
            if (!isTemp(rel)) {
                return;
            }
            int slash = rel.lastIndexOf('/');
            String dir = slash < 0 ? "" : rel.substring(0, slash + 1);
            String name = rel.substring(slash + 1).substring(TMP_PREFIX.length());
            // name = <uuid 36 chars>-<basename>
            if (name.length() < 38) {
                return;
            }
            String uploadId = name.substring(0, 36);
            String key = dir + name.substring(37);
            if (key.startsWith(prefix)) {
                out.add(new PendingUpload(key, uploadId, attrs.lastModifiedTime().toInstant()));
            }
        });
        out.sort(Comparator.comparing(PendingUpload::key));
        return out;
    }

    @Override
    public void abortPendingUpload(PendingUpload upload) throws IOException {
        Path target = resolve(upload.key());
        UUID.fromString(upload.uploadId());
        Files.deleteIfExists(target.resolveSibling(TMP_PREFIX + upload.uploadId() + "-" + target.getFileName()));
    }

    @Override
    public String describe() {
        return root.toUri().toString();
    }

    @Override
    public void close() {
    }

    private static final class LocalWriter extends ObjectWriter {
        private final String key;
        private final Path target;
        private final Path tmp;
        private final FileChannel ch;
        private final MessageDigest sha;
        private final OutputStream out;
        private long size;
        private boolean done;

        LocalWriter(String key, Path target, Path tmp, FileChannel ch) {
            this.key = key;
            this.target = target;
            this.tmp = tmp;
            this.ch = ch;
            this.out = Channels.newOutputStream(ch);
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (done) {
                throw new IOException("upload of " + key + " already finished");
            }
            out.write(b, off, len);
            sha.update(b, off, len);
            size += len;
        }

        @Override
        public StoredObject commit() throws IOException {
            if (done) {
                throw new IOException("upload of " + key + " already finished");
            }
            try {
                ch.force(true);
                ch.close();
                if (Files.size(tmp) != size) {
                    throw new StoreException("short write of " + key);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                fsyncDir(target.getParent());
                done = true;
                return new StoredObject(key, size, HexFormat.of().formatHex(sha.digest()));
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a channel we are discarding
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temp file is listed by listPendingUploads and removed by prune
            }
        }
    }

    static void fsyncDir(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // not every file system allows opening a directory; the rename is still atomic
        }
    }
}
