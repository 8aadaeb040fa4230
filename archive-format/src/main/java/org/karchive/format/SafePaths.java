package org.karchive.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The path rules every stored path must pass before anything acts on it: relative, valid UTF-8,
 * no NUL or backslash, no empty, '.' or '..' components, at most 4096 bytes and 255 per component.
 */
public final class SafePaths {
    public static final int MAX_PATH_BYTES = 4096;
    public static final int MAX_NAME_BYTES = 255;

    private SafePaths() {
    }

    /** Throws {@link FormatException} naming the path when it breaks a rule. */
    public static String check(String path) throws FormatException {
        String why = problem(path);
        if (why != null) {
            throw new FormatException("unsafe path " + printable(path) + ": " + why);
        }
        return path;
    }

    /** Null when the path is acceptable, else the reason. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty";
        }
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return "not valid UTF-8";
        }
        if (path.indexOf('\uFFFD') >= 0 || hasLoneSurrogate(path)) {
            return "not valid UTF-8";
        }
        if (bytes.length > MAX_PATH_BYTES) {
            return "longer than " + MAX_PATH_BYTES + " bytes";
        }
        if (path.startsWith("/")) {
            return "absolute";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains NUL";
        }
        if (path.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        for (String c : path.split("/", -1)) {
            if (c.isEmpty()) {
                return "empty component";
            }
            if (c.equals(".") || c.equals("..")) {
                return "'" + c + "' component";
            }
            if (c.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                return "component longer than " + MAX_NAME_BYTES + " bytes";
            }
        }
        return null;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The path with control characters escaped, shortened for messages. */
    public static String printable(String path) {
        if (path == null) {
            return "(null)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.length() && sb.length() < 300; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 300) {
            sb.append("...");
        }
        return "'" + sb + "'";
    }
}
