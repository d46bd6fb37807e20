package io.netforge.export;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import io.netforge.problem.DomainException;

/**
 * Reads numpy's npz (a zip of .npy files) in plain Java, failing closed: every member must be a C-ordered .npy array
 * of a number type netforge writes or numpy would for these arrays ({@code <f8 <f4 <i8 <i4 |u1 |i1}), its size
 * must match its shape, and the whole is bounded by the bytes given. A hostile file is a 400 naming the member and
 * what is wrong, never a native reader's crash (ND4J's npz reader is native code).
 */
final class Npz {

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
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    /** @param maxUnpacked the most bytes the members may unpack to, together (a zip bomb stops there) */
    static Map<String, Array> read(byte[] bytes, long maxUnpacked) {
        Map<String, Array> arrays = new LinkedHashMap<>();
        long unpacked = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (arrays.size() >= MAX_MEMBERS) {
                    throw DomainException.invalidInput("the npz has more than " + MAX_MEMBERS + " members");
                }
                String member = entry.getName();
                if (entry.isDirectory() || !member.endsWith(".npy")) {
                    throw DomainException.invalidInput("npz member '" + member + "' is not a .npy array");
                }
                String name = member.substring(0, member.length() - 4);
                byte[] data = zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxUnpacked - unpacked + 1));
                unpacked += data.length;
                if (unpacked > maxUnpacked) {
                    throw DomainException.tooLarge("the npz unpacks to more than " + maxUnpacked + " bytes");
                }
                if (arrays.put(name, npy(name, data)) != null) {
                    throw DomainException.invalidInput("npz member '" + member + "' appears twice");
                }
            }
        } catch (ZipException e) {
            throw DomainException.invalidInput("the body is not an npz (a zip of .npy files): " + e.getMessage());
        } catch (IOException e) {
            throw DomainException.invalidInput("the npz could not be read: " + e.getMessage());
        }
        if (arrays.isEmpty()) {
            throw DomainException.invalidInput("the body is not an npz (a zip of .npy files): it has no members");
        }
        return arrays;
    }

    /** One .npy file: magic, version, header length, a Python dict literal, then the data. */
    static Array npy(String name, byte[] b) {
        String where = "npz member '" + name + ".npy'";
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
        int size = switch (descr) {
            case "<f8", "<i8" -> 8;
            case "<f4", "<i4" -> 4;
            case "|u1", "<u1", "|i1", "<i1" -> 1;
            default -> throw DomainException.invalidInput(where + " has dtype '" + descr
                    + "'; little-endian float64, float32, int64, int32, uint8 or int8 are read");
        };
        long data = b.length - start - headerLength;
        if (count > Integer.MAX_VALUE || count * size != data) {
            throw DomainException.invalidInput(where + ": its shape " + java.util.Arrays.toString(shape) + " of " + descr
                    + " needs " + (count > Integer.MAX_VALUE ? "more than 2^31 values" : count * size + " bytes")
                    + ", the member has " + data);
        }
        double[] values = new double[(int) count];
        int at = (int) (start + headerLength);
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
