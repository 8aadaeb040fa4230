package org.karchive.store.s3;

import java.io.IOException;
import java.io.InputStream;
import org.karchive.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ranged download that survives a broken connection: when reading fails, it opens the rest of
 * the range again (from the first byte not yet delivered) through the {@link Retrier}, so the
 * caller sees one uninterrupted stream. Errors the retrier gives up on are thrown from read.
 */
final class ResumingInputStream extends InputStream {
    private static final Logger LOG = LoggerFactory.getLogger(ResumingInputStream.class);

    /** Opens {@code length} bytes (or the rest, when negative) from {@code offset}. */
    @FunctionalInterface
    interface Opener {
        InputStream open(long offset, long length) throws IOException;
    }

    private final Opener opener;
    private final Retrier retrier;
    private final String what;
    private InputStream in;
    private long position;
    private long remaining;
    private int resumes;

    ResumingInputStream(Opener opener, Retrier retrier, String what, InputStream first, long offset, long length) {
        this.opener = opener;
        this.retrier = retrier;
        this.what = what;
        this.in = first;
        this.position = offset;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int want = remaining < 0 ? len : (int) Math.min(len, remaining);
        while (true) {
            int n;
            try {
                n = in.read(b, off, want);
            } catch (StoreException e) {
                throw e;
            } catch (IOException e) {
                resume(e);
                continue;
            }
            if (n > 0) {
                position += n;
                if (remaining > 0) {
                    remaining -= n;
                }
            }
            return n;
        }
    }

    private void resume(IOException cause) throws IOException {
        if (++resumes >= retrier.maxAttempts()) {
            throw new StoreException(what + ": download broke off at byte " + position + " " + resumes
                    + " times, giving up: " + cause.getMessage(), cause);
        }
        LOG.debug("{}: download broke off at byte {} ({}), resuming", what, position, cause.getMessage());
        try {
            in.close();
        } catch (IOException ignored) {
            // the broken stream
        }
        long from = position;
        long len = remaining;
        in = retrier.call(what + " (resume)", () -> opener.open(from, len));
    }

    /**
     * Closes the connection. The reader is done with the data: when the body breaks off in the
     * unread rest (which the HTTP client drains on close), that is no failure of the download.
     */
    @Override
    public void close() throws IOException {
        try {
            in.close();
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            LOG.debug("{}: the unread rest broke off at close ({})", what, e.getMessage());
        }
    }
}
