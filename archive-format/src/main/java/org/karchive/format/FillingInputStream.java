package org.karchive.format;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Returns short reads only at the end of the stream. commons-compress' reader of sparse tar
 * entries takes a short read for the end of a data segment, so it must only ever see full reads.
 */
final class FillingInputStream extends FilterInputStream {
    FillingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(b, off + total, len - total);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        return total;
    }

    @Override
    public long skip(long n) throws IOException {
        long total = 0;
        while (total < n) {
            long k = in.skip(n - total);
            if (k <= 0) {
                if (in.read() < 0) {
                    break;
                }
                k = 1;
            }
            total += k;
        }
        return total;
    }
}
