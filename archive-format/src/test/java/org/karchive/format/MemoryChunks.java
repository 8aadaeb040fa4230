package org.karchive.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Chunks kept in memory: a {@link ChunkSink} and {@link ChunkSource} for format tests. */
final class MemoryChunks implements ChunkSink, ChunkSource {
    final Map<String, byte[]> chunks = new LinkedHashMap<>();
    long bytesRead;

    @Override
    public Upload begin(long seq) {
        String key = "chunks/test/" + seq + ".tar.zst";
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        return new Upload() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buf.write(b, off, len);
            }

            @Override
            public StoredChunk commit() {
                byte[] data = buf.toByteArray();
                chunks.put(key, data);
                return new StoredChunk(key, data.length, Sha256.of(data));
            }

            @Override
            public void abort() {
            }
        };
    }

    @Override
    public InputStream open(String key, long offset, long length) {
        byte[] data = chunks.get(key);
        int end = length < 0 ? data.length : (int) Math.min(data.length, offset + length);
        byte[] part = Arrays.copyOfRange(data, (int) offset, end);
        bytesRead += part.length;
        return new ByteArrayInputStream(part);
    }

    @Override
    public InputStream openTar(String key, int frame) throws java.io.IOException {
        if (frame == 0) {
            return ChunkReader.open(this, key);
        }
        SeekTable t = ChunkReader.seekTable(this, key, chunks.get(key).length);
        return ChunkReader.openAt(this, key, t, frame);
    }
}
