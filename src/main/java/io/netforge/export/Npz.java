package io.netforge.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.netforge.problem.DomainException;

/**
 * Reads numpy's npz (a zip of .npy files) in plain Java, failing closed: every member must be a C-ordered .npy array
 * of a number type netforge writes or numpy would for these arrays ({@code <f8 <f4 <i8 <i4 |u1 |i1}), its size
 * must match its shape. The table of contents is read first and nothing is unpacked until the caller asks for an
 * array of a size it knows (from the header): a member is unpacked only as far as that size goes, so a member that
 * unpacks to more (a zip bomb) is refused before it is held. A hostile file is a 400 naming the member and what is
 * wrong, never a native reader's crash (ND4J's npz reader is native code).
 */
final class Npz implements AutoCloseable {

    /** An array: its shape (one or two dimensions, or none for a scalar) and its values as doubles, row-major. */
    record Array(String name, long[] shape, double[] values) {

        int rows() {
            return shape.length == 0 ? 1 : (int) shape[0];
        }

        int columns() {
            return shape.length < 2 ? 1 : (int) shape[1];
        }
    }

    private static final int MAX_MEMBERS = 1000;
    /** The most bytes of a .npy file's own header (numpy writes 128 or so). */
    static final int MAX_NPY_HEADER = 64 * 1024;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Path file;
    private final ZipFile zip;
    private final Set<String> names;

    private Npz(Path file, ZipFile zip, Set<String> names) {
        this.file = file;
        this.zip = zip;
        this.names = names;
    }

    /**
     * Opens an npz's table of contents (nothing is unpacked yet): every member a .npy file, at most
     * {@value #MAX_MEMBERS}, each name once. The npz was received into {@code file}, which is the Npz's from now on:
     * deleted when it is closed, or at once when it is no npz.
     */
    static Npz open(Path file) {
        try {
            ZipFile zip = new ZipFile(file.toFile());
            try {
                Set<String> names = new LinkedHashSet<>();
                var entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    String member = entry.getName();
                    if (names.size() >= MAX_MEMBERS) {
                        throw DomainException.invalidInput("the npz has more than " + MAX_MEMBERS + " members");
                    }
                    if (entry.isDirectory() || !member.endsWith(".npy")) {
                        throw DomainException.invalidInput("npz member '" + member + "' is not a .npy array");
                    }
                    if (!names.add(member.substring(0, member.length() - 4))) {
                        throw DomainException.invalidInput("npz member '" + member + "' appears twice");
                    }
                }
                if (names.isEmpty()) {
                    throw DomainException.invalidInput("the body is not an npz (a zip of .npy files): it has no members");
                }
                return new Npz(file, zip, names);
            } catch (RuntimeException e) {
                zip.close();
                throw e;
            }
        } catch (ZipException e) {
            delete(file);
            throw DomainException.invalidInput("the body is not an npz (a zip of .npy files): " + e.getMessage());
        } catch (IOException e) {
            delete(file);
            throw DomainException.invalidInput("the npz could not be read: " + e.getMessage());
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    /** The arrays' names (the members without {@code .npy}). */
    Set<String> names() {
        return names;
    }

    /** The bytes of a member, unpacked no further than {@code most}. */
    byte[] member(String name, long most) {
        ZipEntry entry = zip.getEntry(name + ".npy");
        if (entry == null) {
            throw DomainException.invalidInput("the npz has no array '" + name + "'");
        }
        byte[] data;
        try (InputStream in = zip.getInputStream(entry)) {
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, most + 1));
        } catch (IOException e) {
            throw DomainException.invalidInput("npz member '" + name + ".npy' could not be unpacked: " + e.getMessage());
        }
        if (data.length > most) {
            throw DomainException.tooLarge("npz member '" + name + ".npy' unpacks to more than the " + most
                    + " bytes it may take");
        }
        return data;
    }

    /**
     * An array that must hold exactly {@code count} values: its member is unpacked only as far as such an array goes
     * (its .npy header and {@code count} values of at most 8 bytes), and nothing is widened to doubles before its
     * shape is checked.
     */
    Array array(String name, long count) {
        return npy(name, member(name, MAX_NPY_HEADER + count * 8));
    }

    /**
     * A one-dimensional array of bytes (int32 or uint8 values from 0 to 255, as netforge writes its header), read
     * without widening.
     */
    static byte[] bytes(String name, byte[] b) {
        String where = "npz member '" + name + ".npy'";
        NpyHeader h = npyHeader(b, where);
        int size = switch (h.descr()) {
            case "<i4" -> 4;
            case "|u1", "<u1" -> 1;
            default -> throw DomainException.invalidInput(where + " has dtype '" + h.descr() + "'; int32 or uint8 bytes"
                    + " are read");
        };
        if (h.shape().length != 1 || h.count() * size != b.length - h.start()) {
            throw DomainException.invalidInput(where + " must be a one-dimensional array of its "
                    + (b.length - h.start()) / size + " values");
        }
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        byte[] out = new byte[(int) h.count()];
        for (int i = 0, at = h.start(); i < out.length; i++, at += size) {
            int v = size == 4 ? in.getInt(at) : b[at] & 0xff;
            if (v < 0 || v > 255) {
                throw DomainException.invalidField(name, "must hold the bytes of UTF-8 JSON, found " + v);
            }
            out[i] = (byte) v;
        }
        return out;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            // the file goes anyway
        }
        delete(file);
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /** A .npy file's own header: its dtype, shape, value count and where its data starts. */
    private record NpyHeader(String descr, long[] shape, long count, int start) {
    }

    private static NpyHeader npyHeader(byte[] b, String where) {
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw DomainException.invalidInput(where + " is not a .npy array (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int start;
        if (major == 1) {
            headerLength = in.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw DomainException.invalidInput(where + " ends inside its header");
            }
            headerLength = in.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw DomainException.invalidInput(where + " has .npy format version " + major + "; 1 to 3 are read");
        }
        if (start + headerLength > b.length) {
            throw DomainException.invalidInput(where + " ends inside its header");
        }
        String header = new String(b, start, (int) headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, where, "descr");
        if (group(FORTRAN, header, where, "fortran_order").equals("True")) {
            throw DomainException.invalidInput(where + " is in Fortran order; C order is read");
        }
        String[] dims = group(SHAPE, header, where, "shape").split(",");
        long[] shape = new long[0];
        long count = 1;
        for (String dim : dims) {
            String d = dim.strip();
            if (d.isEmpty()) {
                continue;
            }
            if (!d.matches("[0-9]{1,10}")) {
                throw DomainException.invalidInput(where + " has a shape dimension '" + d + "'");
            }
            shape = java.util.Arrays.copyOf(shape, shape.length + 1);
            shape[shape.length - 1] = Long.parseLong(d);
            count = Math.multiplyHigh(count, shape[shape.length - 1]) != 0 ? Long.MAX_VALUE
                    : count * shape[shape.length - 1];
        }
        if (shape.length > 2) {
            throw DomainException.invalidInput(where + " has " + shape.length + " dimensions; at most 2 are read");
        }
        return new NpyHeader(descr, shape, count, (int) (start + headerLength));
    }

    /**
     * One .npy file: magic, version, header length, a Python dict literal, then the data.
     *
     * The bytes are bounded by the caller (unpacked only as far as the array it expects goes), so the values widened
     * to doubles are too.
     */
    static Array npy(String name, byte[] b) {
        String where = "npz member '" + name + ".npy'";
        NpyHeader h = npyHeader(b, where);
        String descr = h.descr();
        long[] shape = h.shape();
        long count = h.count();
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int size = switch (descr) {
            case "<f8", "<i8" -> 8;
            case "<f4", "<i4" -> 4;
            case "|u1", "<u1", "|i1", "<i1" -> 1;
            default -> throw DomainException.invalidInput(where + " has dtype '" + descr
                    + "'; little-endian float64, float32, int64, int32, uint8 or int8 are read");
        };
        long data = b.length - h.start();
        if (count > Integer.MAX_VALUE || count * size != data) {
            throw DomainException.invalidInput(where + ": its shape " + java.util.Arrays.toString(shape) + " of " + descr
                    + " needs " + (count > Integer.MAX_VALUE ? "more than 2^31 values" : count * size + " bytes")
                    + ", the member has " + data);
        }
        double[] values = new double[(int) count];
        int at = h.start();
        for (int i = 0; i < values.length; i++, at += size) {
            values[i] = switch (descr) {
                case "<f8" -> in.getDouble(at);
                case "<i8" -> in.getLong(at);
                case "<f4" -> in.getFloat(at);
                case "<i4" -> in.getInt(at);
                case "|u1", "<u1" -> b[at] & 0xff;
                default -> b[at];
            };
        }
        return new Array(name, shape, values);
    }

    private static String group(Pattern pattern, String header, String where, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw DomainException.invalidInput(where + " has no '" + key + "' in its header");
        }
        return m.group(1);
    }
}
