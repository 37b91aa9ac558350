package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMQP 0-9-1 field values as RabbitMQ writes them (its errata to the spec's table types): strings decode
 * as {@link String}, timestamps as {@link Date}, arrays as {@link List}, tables as {@link Map}. A short
 * read fails with 502 SYNTAX_ERROR.
 */
public final class FieldCodec {

    private FieldCodec() {
    }

    public static String readShortString(ByteBuf in) {
        int n = in.readUnsignedByte();
        need(in, n, "short string");
        return in.readCharSequence(n, StandardCharsets.UTF_8).toString();
    }

    public static byte[] readLongBytes(ByteBuf in) {
        long n = in.readUnsignedInt();
        need(in, n, "long string");
        byte[] b = new byte[(int) n];
        in.readBytes(b);
        return b;
    }

    public static Map<String, Object> readTable(ByteBuf in) {
        long n = in.readUnsignedInt();
        need(in, n, "field table");
        ByteBuf t = in.readSlice((int) n);
        Map<String, Object> out = new LinkedHashMap<>();
        while (t.isReadable()) {
            String name = readShortString(t);
            out.put(name, readValue(t));
        }
        return out;
    }

    /** A table's fields without the length in front (AMQPLAIN's response). */
    public static Map<String, Object> readTableFields(ByteBuf t) {
        Map<String, Object> out = new LinkedHashMap<>();
        while (t.isReadable()) {
            String name = readShortString(t);
            out.put(name, readValue(t));
        }
        return out;
    }

    static Object readValue(ByteBuf in) {
        char type = (char) in.readUnsignedByte();
        return switch (type) {
            case 't' -> in.readBoolean();
            case 'b' -> in.readByte();
            case 'B' -> (short) in.readUnsignedByte();
            case 's' -> in.readShort();
            case 'u' -> in.readUnsignedShort();
            case 'I' -> in.readInt();
            case 'i' -> in.readUnsignedInt();
            case 'l' -> in.readLong();
            case 'f' -> in.readFloat();
            case 'd' -> in.readDouble();
            case 'D' -> {
                int scale = in.readUnsignedByte();
                yield new BigDecimal(BigInteger.valueOf(in.readInt()), scale);
            }
            case 'S' -> new String(readLongBytes(in), StandardCharsets.UTF_8);
            case 'x' -> readLongBytes(in);
            case 'T' -> new Date(in.readLong() * 1000);
            case 'F' -> readTable(in);
            case 'A' -> {
                long n = in.readUnsignedInt();
                need(in, n, "field array");
                ByteBuf a = in.readSlice((int) n);
                List<Object> list = new ArrayList<>();
                while (a.isReadable()) {
                    list.add(readValue(a));
                }
                yield list;
            }
            case 'V' -> null;
            default -> throw new AmqpFrameException(ReplyCodes.SYNTAX_ERROR,
                    "unknown field value type '" + type + "' (0x" + Integer.toHexString(type) + ")");
        };
    }

    private static void need(ByteBuf in, long n, String what) {
        if (in.readableBytes() < n) {
            throw new AmqpFrameException(ReplyCodes.SYNTAX_ERROR, what + " of " + n + " bytes runs past the end of"
                    + " its frame (" + in.readableBytes() + " bytes left)");
        }
    }

    public static void writeShortString(ByteBuf out, String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) {
            // A short string cannot hold more; reply texts and names are cut rather than failing the write.
            out.writeByte(255);
            out.writeBytes(b, 0, 255);
            return;
        }
        out.writeByte(b.length);
        out.writeBytes(b);
    }

    public static void writeLongBytes(ByteBuf out, byte[] b) {
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    public static void writeTable(ByteBuf out, Map<String, ?> table) {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        if (table != null) {
            for (Map.Entry<String, ?> e : table.entrySet()) {
                writeShortString(out, e.getKey());
                writeValue(out, e.getValue());
            }
        }
        out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
    }

    static void writeValue(ByteBuf out, Object v) {
        if (v == null) {
            out.writeByte('V');
        } else if (v instanceof String s) {
            out.writeByte('S');
            writeLongBytes(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof Boolean b) {
            out.writeByte('t');
            out.writeBoolean(b);
        } else if (v instanceof Byte b) {
            out.writeByte('b');
            out.writeByte(b);
        } else if (v instanceof Short s) {
            out.writeByte('s');
            out.writeShort(s);
        } else if (v instanceof Integer i) {
            out.writeByte('I');
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('l');
            out.writeLong(l);
        } else if (v instanceof Float f) {
            out.writeByte('f');
            out.writeFloat(f);
        } else if (v instanceof Double d) {
            out.writeByte('d');
            out.writeDouble(d);
        } else if (v instanceof BigDecimal d) {
            out.writeByte('D');
            out.writeByte(d.scale());
            out.writeInt(d.unscaledValue().intValue());
        } else if (v instanceof byte[] b) {
            out.writeByte('x');
            writeLongBytes(out, b);
        } else if (v instanceof Date d) {
            out.writeByte('T');
            out.writeLong(d.getTime() / 1000);
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte('F');
            @SuppressWarnings("unchecked")
            Map<String, ?> table = (Map<String, ?>) m;
            writeTable(out, table);
        } else if (v instanceof List<?> list) {
            out.writeByte('A');
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            for (Object o : list) {
                writeValue(out, o);
            }
            out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
        } else if (v instanceof Character c) {
            out.writeByte('S');
            writeLongBytes(out, c.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            out.writeByte('S');
            writeLongBytes(out, v.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
