package dev.kiln.release;

import dev.kiln.common.release.InvalidReleaseException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an artifact once: its SHA-256, and whether it is a gzip tarball with an executable
 * {@code install} at its top (ustar and GNU tar headers; long-name and PAX entries are skipped).
 */
final class ArtifactCheck {

    /** What one pass over the artifact found. */
    record Findings(String sha256, long bytes, boolean hasInstall) {
    }

    private static final int BLOCK = 512;

    private ArtifactCheck() {
    }

    static Findings read(InputStream artifact) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        Counting counted = new Counting(new DigestInputStream(artifact, digest));
        boolean hasInstall;
        try {
            GZIPInputStream tar = new GZIPInputStream(counted);
            hasInstall = findInstall(tar);
            tar.transferTo(OutputStream.nullOutputStream());
        } catch (ZipException | EOFException e) {
            throw new InvalidReleaseException("the artifact is not a gzip tarball (.tar.gz): " + e.getMessage());
        }
        // whatever follows the compressed data still counts for the checksum
        counted.transferTo(OutputStream.nullOutputStream());
        return new Findings(HexFormat.of().formatHex(digest.digest()), counted.count, hasInstall);
    }

    private static boolean findInstall(InputStream tar) throws IOException {
        boolean found = false;
        byte[] header = new byte[BLOCK];
        while (tar.readNBytes(header, 0, BLOCK) == BLOCK && !isZeros(header)) {
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty() && text(header, 257, 6).startsWith("ustar")) {
                name = prefix + "/" + name;
            }
            long mode = octal(header, 100, 8);
            long size = octal(header, 124, 12);
            byte type = header[156];
            if ((type == '0' || type == 0) && (name.equals("install") || name.equals("./install")) && (mode & 0111) != 0) {
                found = true;
            }
            if (!skip(tar, (size + BLOCK - 1) / BLOCK * BLOCK)) {
                break;
            }
        }
        return found;
    }

    private static boolean skip(InputStream in, long bytes) throws IOException {
        byte[] buffer = new byte[8192];
        long left = bytes;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                return false;
            }
            left -= read;
        }
        return true;
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {

        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }

    private static boolean isZeros(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8).trim();
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = text(header, offset, length);
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new InvalidReleaseException("the artifact is not a tarball (a header's numbers are not octal)");
        }
    }
}
