package org.karchive.format;

/** The repository asked for something a safe restore never does (write through a symlink, ...). */
public class UnsafeRestoreException extends FormatException {
    private static final long serialVersionUID = 1L;

    public UnsafeRestoreException(String path, String why) {
        super("unsafe entry " + SafePaths.printable(path) + ": " + why);
    }
}
