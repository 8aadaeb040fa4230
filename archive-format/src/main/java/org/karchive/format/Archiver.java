package org.karchive.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The archive pipeline: walk (sorted) → read each file once, hashing the bytes that go into tar →
 * frames compressed in parallel → chunks handed to a {@link ChunkSink} → one manifest record per
 * entry, streamed. Never prints; reports through {@link Listener}.
 */
public final class Archiver {

    /** Tunables, defaults in one place. */
    public record Options(long chunkSize, int frameSize, int level, int threads) {
        public static final long DEFAULT_CHUNK = 128L << 20;
        public static final int DEFAULT_FRAME = 2 << 20;

        public Options {
            if (chunkSize < (1 << 20)) {
                throw new IllegalArgumentException("chunk size must be at least 1 MiB");
            }
            if (frameSize < (64 << 10) || frameSize > (64 << 20)) {
                throw new IllegalArgumentException("frame size must be between 64 KiB and 64 MiB");
            }
            if (level < 1 || level > 19) {
                throw new IllegalArgumentException("zstd level must be between 1 and 19");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_CHUNK, DEFAULT_FRAME, 3, Runtime.getRuntime().availableProcessors());
        }

        public Options withChunkSize(long v) {
            return new Options(v, frameSize, level, threads);
        }

        public Options withFrameSize(int v) {
            return new Options(chunkSize, v, level, threads);
        }

        public Options withLevel(int v) {
            return new Options(chunkSize, frameSize, v, threads);
        }
    }

    /**
     * Receives events. Called from the archiving thread only; must not block for long or throw.
     */
    public interface Listener {
        void skipped(String path, String reason);

        default void fileDone(String path, long bytes) {
        }

        default void chunkStored(ChunkSink.StoredChunk chunk) {
        }

        /** A file kept its earlier content location in chunk {@code chunkKey} (not read again). */
        default void reused(String path, String chunkKey, long bytes) {
        }
    }

    /** A path left out (or archived inconsistently), with the reason. */
    public record Skipped(String path, String reason) {
    }

    /** Totals of one run. */
    public record Result(long files, long dirs, long symlinks, long hardlinks, long bytes, long newBytes,
                         long records, List<ChunkSink.StoredChunk> chunks, List<Skipped> skipped,
                         long skippedCount) {
    }

    static final int MAX_SKIPPED_LISTED = 10_000;

    private final Options options;
    private final Listener listener;
    private final Map<Long, String> users = new HashMap<>();
    private final Map<Long, String> groups = new HashMap<>();
    private final Map<String, String> linkTargets = new HashMap<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private long skippedCount;
    private final byte[] buf = new byte[1 << 20];
    private final byte[] zeros = new byte[1 << 16];
    private final MessageDigest fileSha = Sha256.newDigest();

    public Archiver(Options options, Listener listener) {
        this.options = options;
        this.listener = listener;
    }

    private long files;
    private long dirs;
    private long symlinks;
    private long hardlinks;
    private long bytes;
    private final List<ChunkSink.StoredChunk> chunks = new ArrayList<>();
    private long newBytes;
    private ChunkWriter chunk;
    private long seq;
    private List<ReuseSource.Cursor> reuse;
    private CountingSink records;

    /** Archives everything the walker yields. On failure the current chunk upload is aborted. */
    public Result run(List<Path> roots, java.util.function.Predicate<String> excluded, ChunkSink sink,
                      RecordSink manifest) throws IOException {
        return run(roots, excluded, sink, manifest, List.of(), 0);
    }

    /**
     * Archives everything the walker yields; files unchanged since {@code reuse} keep their earlier
     * records instead of being read. Chunks are numbered from {@code firstSeq}.
     */
    public Result run(List<Path> roots, java.util.function.Predicate<String> excluded, ChunkSink sink,
                      RecordSink manifest, List<ReuseSource> reuse, long firstSeq) throws IOException {
        this.reuse = reuse.stream().map(ReuseSource.Cursor::new).toList();
        this.records = new CountingSink(manifest);
        this.seq = firstSeq;
        try (FrameCompressor compressor = new FrameCompressor(options.threads(), options.level())) {
            TreeWalker walker = new TreeWalker(roots, excluded, this::skip);
            try {
                walker.walk(e -> archive(e, sink, compressor, records));
                if (chunk != null) {
                    finishChunk();
                }
            } catch (IOException | RuntimeException | Error e) {
                if (chunk != null) {
                    chunk.abort();
                }
                throw e;
            }
        }
        return new Result(files, dirs, symlinks, hardlinks, bytes, newBytes, records.count, List.copyOf(chunks),
                List.copyOf(skipped), skippedCount);
    }

    private void skip(String path, String reason) {
        skippedCount++;
        if (skipped.size() < MAX_SKIPPED_LISTED) {
            skipped.add(new Skipped(path, reason));
        }
        listener.skipped(path, reason);
    }

    private void finishChunk() throws IOException {
        ChunkSink.StoredChunk stored = chunk.finish();
        chunks.add(stored);
        listener.chunkStored(stored);
        chunk = null;
    }

    private ChunkWriter chunkFor(long entryBytes, ChunkSink sink, FrameCompressor compressor) throws IOException {
        if (chunk != null && chunk.tarBytes() > 0 && chunk.tarBytes() + entryBytes > options.chunkSize()) {
            finishChunk();
        }
        if (chunk == null) {
            chunk = new ChunkWriter(sink.begin(seq++), compressor, options.frameSize());
        }
        return chunk;
    }

    private void archive(SourceEntry e, ChunkSink sink, FrameCompressor compressor, RecordSink manifest)
            throws IOException {
        String user = name(e, true);
        String group = name(e, false);
        switch (e.kind()) {
            case DIR -> {
                ChunkWriter w = chunkFor(2048, sink, compressor);
                int frame = w.currentFrame();
                int offset = w.currentOffset();
                w.tar().writeHeader(new TarHeader(e.path(), EntryType.DIR, e.mode(), e.uid(), e.gid(), user, group,
                        e.mtimeNs(), null, 0, null, 0), null);
                manifest.write(new ManifestRecord(e.path(), EntryType.DIR, 0, e.mode(), e.uid(), e.gid(), user, group,
                        e.mtimeNs(), null, null, null, w.key(), frame, offset, e.ino(), e.ctimeNs()));
                dirs++;
            }
            case SYMLINK -> {
                String target;
                try {
                    target = Files.readSymbolicLink(e.file()).toString();
                } catch (IOException ex) {
                    skip(e.path(), "cannot read symlink: " + TreeWalker.describe(ex));
                    return;
                }
                if (target.isEmpty() || target.indexOf('\0') >= 0) {
                    skip(e.path(), "symlink target cannot be stored");
                    return;
                }
                ChunkWriter w = chunkFor(2048 + 2L * target.length(), sink, compressor);
                int frame = w.currentFrame();
                int offset = w.currentOffset();
                w.tar().writeHeader(new TarHeader(e.path(), EntryType.SYMLINK, e.mode(), e.uid(), e.gid(), user, group,
                        e.mtimeNs(), target, 0, null, 0), null);
                manifest.write(new ManifestRecord(e.path(), EntryType.SYMLINK, 0, e.mode(), e.uid(), e.gid(), user,
                        group, e.mtimeNs(), null, target, null, w.key(), frame, offset, e.ino(), e.ctimeNs()));
                symlinks++;
            }
            case FILE -> archiveFile(e, user, group, sink, compressor, manifest);
            default -> throw new IllegalStateException("unexpected kind " + e.kind());
        }
    }

    private void archiveFile(SourceEntry e, String user, String group, ChunkSink sink, FrameCompressor compressor,
                             RecordSink manifest) throws IOException {
        String inodeKey = null;
        if (e.nlink() > 1) {
            inodeKey = e.dev() + ":" + e.ino();
            String first = linkTargets.get(inodeKey);
            if (first != null) {
                ChunkWriter w = chunkFor(2048 + 2L * first.length(), sink, compressor);
                int frame = w.currentFrame();
                int offset = w.currentOffset();
                w.tar().writeHeader(new TarHeader(e.path(), EntryType.HARDLINK, e.mode(), e.uid(), e.gid(), user,
                        group, e.mtimeNs(), first, 0, null, 0), null);
                manifest.write(new ManifestRecord(e.path(), EntryType.HARDLINK, 0, e.mode(), e.uid(), e.gid(), user,
                        group, e.mtimeNs(), null, first, null, w.key(), frame, offset, e.ino(), e.ctimeNs()));
                hardlinks++;
                return;
            }
        }
        ManifestRecord earlier = null;
        for (ReuseSource.Cursor c : reuse) {
            ManifestRecord r = c.find(e.path());
            if (earlier == null && r != null && ReuseSource.unchanged(e, r)) {
                earlier = r;
            }
        }
        if (earlier != null) {
            manifest.write(new ManifestRecord(e.path(), EntryType.FILE, e.size(), e.mode(), e.uid(), e.gid(), user,
                    group, e.mtimeNs(), earlier.sha256(), null, earlier.sparse(), earlier.chunk(), earlier.frame(),
                    earlier.offset(), e.ino(), e.ctimeNs()));
            if (inodeKey != null) {
                linkTargets.put(inodeKey, e.path());
            }
            files++;
            bytes += e.size();
            listener.reused(e.path(), earlier.chunk(), e.size());
            listener.fileDone(e.path(), e.size());
            return;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(e.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException ex) {
            skip(e.path(), "cannot open: " + TreeWalker.describe(ex));
            return;
        }
        try (ch) {
            long size = e.size();
            List<long[]> sparse = SparseProbe.segments(e.file(), size);
            long dataSize = size;
            byte[] map = null;
            if (sparse != null) {
                dataSize = 0;
                for (long[] s : sparse) {
                    dataSize += s[1];
                }
                map = TarWriter.sparseMap(sparse);
            }
            long tarEntry = 3072 + dataSize + (map == null ? 0 : map.length);
            ChunkWriter w = chunkFor(tarEntry, sink, compressor);
            int frame = w.currentFrame();
            int offset = w.currentOffset();
            w.tar().writeHeader(new TarHeader(e.path(), EntryType.FILE, e.mode(), e.uid(), e.gid(), user, group,
                    e.mtimeNs(), null, dataSize, sparse, size), map);
            MessageDigest sha = fileSha; // digest() below resets it for the next file
            sha.reset();
            boolean changed;
            if (sparse == null) {
                changed = copy(ch, 0, size, w, sha);
            } else {
                changed = false;
                long pos = 0;
                for (long[] s : sparse) {
                    Sha256.updateZeros(sha, s[0] - pos);
                    changed |= copy(ch, s[0], s[1], w, sha);
                    pos = s[0] + s[1];
                }
                Sha256.updateZeros(sha, size - pos);
            }
            w.tar().pad(dataSize + (map == null ? 0 : map.length));
            if (!changed) {
                changed = changedSince(e, ch);
            }
            if (changed) {
                skip(e.path(), "changed while being read: archived content may be inconsistent");
            }
            if (inodeKey != null) {
                linkTargets.put(inodeKey, e.path());
            }
            manifest.write(new ManifestRecord(e.path(), EntryType.FILE, size, e.mode(), e.uid(), e.gid(), user, group,
                    e.mtimeNs(), Sha256.hex(sha), null, sparse == null ? null : Boolean.TRUE, w.key(), frame, offset,
                    e.ino(), e.ctimeNs()));
            files++;
            bytes += size;
            newBytes += size;
            listener.fileDone(e.path(), size);
        }
    }

    /** Counts records on their way to the real sink. */
    private static final class CountingSink implements RecordSink {
        private final RecordSink target;
        private long count;

        CountingSink(RecordSink target) {
            this.target = target;
        }

        @Override
        public void write(ManifestRecord r) throws IOException {
            target.write(r);
            count++;
        }
    }

    /** Copies exactly {@code len} bytes at {@code pos}; pads with zeros if the file shrank. */
    private boolean copy(FileChannel ch, long pos, long len, ChunkWriter w, MessageDigest sha) throws IOException {
        long left = len;
        boolean shrank = false;
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (left > 0) {
            bb.clear();
            bb.limit((int) Math.min(buf.length, left));
            int n;
            try {
                n = ch.read(bb, pos);
            } catch (java.nio.channels.ClosedByInterruptException ex) {
                throw ex;
            } catch (IOException ex) {
                if (Thread.currentThread().isInterrupted()) {
                    throw ex;
                }
                n = -1; // an unreadable region: padded with zeros and reported as inconsistent
            }
            if (n < 0) {
                shrank = true;
                while (left > 0) {
                    int z = (int) Math.min(zeros.length, left);
                    w.append(zeros, 0, z);
                    sha.update(zeros, 0, z);
                    left -= z;
                }
                break;
            }
            w.append(buf, 0, n);
            sha.update(buf, 0, n);
            pos += n;
            left -= n;
        }
        return shrank;
    }

    private static boolean changedSince(SourceEntry e, FileChannel ch) {
        try {
            if (ch.size() != e.size()) {
                return true;
            }
            FileTime m = Files.getLastModifiedTime(e.file(), LinkOption.NOFOLLOW_LINKS);
            return TreeWalker.toNanos(m) != e.mtimeNs();
        } catch (IOException ex) {
            return true;
        }
    }

    private String name(SourceEntry e, boolean user) {
        Map<Long, String> cache = user ? users : groups;
        long id = user ? e.uid() : e.gid();
        if (cache.containsKey(id)) {
            return cache.get(id);
        }
        String n = null;
        try {
            if (user) {
                UserPrincipal p = Files.getOwner(e.file(), LinkOption.NOFOLLOW_LINKS);
                n = p.getName();
            } else {
                GroupPrincipal g = (GroupPrincipal) Files.getAttribute(e.file(), "posix:group",
                        LinkOption.NOFOLLOW_LINKS);
                n = g.getName();
            }
        } catch (IOException | RuntimeException ex) {
            return null;
        }
        if (n != null && n.equals(Long.toString(id))) {
            n = null;
        }
        cache.put(id, n);
        return n;
    }
}
