package org.karchive.format;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where stored chunk bytes come from. Declared here, implemented by the application over its
 * object store. May be called from several threads.
 */
public interface ChunkSource {
    /** Opens {@code length} bytes of chunk {@code key} at {@code offset}; length < 0: to the end. */
    InputStream open(String key, long offset, long length) throws IOException;

    /**
     * The decompressed tar stream of chunk {@code key} from the start of frame {@code frame}. The
     * default reads the chunk from its start and skips the frames before {@code frame} by their
     * headers (without decompressing them); sources that know the chunk's size use the seek table
     * and a range read instead.
     */
    default InputStream openTar(String key, int frame) throws IOException {
        if (frame == 0) {
            return ChunkReader.open(this, key);
        }
        return ChunkReader.openFromStart(open(key, 0, -1), key, frame);
    }

    /**
     * The seek table of chunk {@code key} when this source can read it cheaply (range reads), else
     * null; readers use it to skip frames they do not need.
     */
    default SeekTable seekTable(String key) throws IOException {
        return null;
    }

    /**
     * This source, with each tar stream decompressed one buffer ahead on a second thread (commons-io
     * ReadAheadInputStream), so fetching and decompressing overlap with what the reader does with
     * the bytes (hashing, writing). For readers that consume whole chunks: a reader that stops
     * early may have caused up to {@code 2 * bufferSize} more bytes to be fetched.
     */
    static ChunkSource readingAhead(ChunkSource s, int bufferSize) {
        return new ChunkSource() {
            @Override
            public InputStream open(String key, long offset, long length) throws IOException {
                return s.open(key, offset, length);
            }

            @Override
            public InputStream openTar(String key, int frame) throws IOException {
                InputStream in = s.openTar(key, frame);
                try {
                    return org.apache.commons.io.input.ReadAheadInputStream.builder().setInputStream(in)
                            .setBufferSize(bufferSize).get();
                } catch (IOException | RuntimeException e) {
                    in.close();
                    throw e;
                }
            }

            @Override
            public SeekTable seekTable(String key) throws IOException {
                return s.seekTable(key);
            }
        };
    }
}
