package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;

import java.util.Map;

/**
 * One method frame's content: its spec entry and its arguments in signature order (octets and shorts as
 * {@link Integer}, longs and long longs as {@link Long}, bits as {@link Boolean}, short strings as
 * {@link String}, long strings as {@code byte[]}, tables as {@link Map}).
 */
public record Method(MethodSpec spec, Object... args) {

    public Method {
        if (args.length != spec.signature().length()) {
            throw new IllegalArgumentException(spec.wireName() + " takes " + spec.signature().length()
                    + " arguments, not " + args.length);
        }
    }

    public String str(int i) {
        return (String) args[i];
    }

    public boolean bit(int i) {
        return (Boolean) args[i];
    }

    public int integer(int i) {
        return ((Number) args[i]).intValue();
    }

    public long longValue(int i) {
        return ((Number) args[i]).longValue();
    }

    public byte[] bytes(int i) {
        return (byte[]) args[i];
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> table(int i) {
        return (Map<String, Object>) args[i];
    }

    /** Reads a method frame's payload (class id and method id first). */
    public static Method decode(ByteBuf in) {
        try {
            int classId = in.readUnsignedShort();
            int methodId = in.readUnsignedShort();
            MethodSpec spec = MethodSpec.of(classId, methodId);
            if (spec == null) {
                throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "unknown method " + classId + "." + methodId);
            }
            String sig = spec.signature();
            Object[] args = new Object[sig.length()];
            int bits = 0;
            int bitIndex = 8;
            for (int i = 0; i < sig.length(); i++) {
                char c = sig.charAt(i);
                if (c != 'b') {
                    bitIndex = 8;
                }
                args[i] = switch (c) {
                    case 'o' -> (int) in.readUnsignedByte();
                    case 'h' -> in.readUnsignedShort();
                    case 'l' -> in.readUnsignedInt();
                    case 'L', 'T' -> in.readLong();
                    case 's' -> FieldCodec.readShortString(in);
                    case 'S' -> FieldCodec.readLongBytes(in);
                    case 't' -> FieldCodec.readTable(in);
                    case 'b' -> {
                        if (bitIndex == 8) {
                            bits = in.readUnsignedByte();
                            bitIndex = 0;
                        }
                        yield (bits & (1 << bitIndex++)) != 0;
                    }
                    default -> throw new IllegalStateException("bad signature " + sig);
                };
            }
            return new Method(spec, args);
        } catch (IndexOutOfBoundsException e) {
            throw new AmqpFrameException(ReplyCodes.SYNTAX_ERROR, "method frame too short for its arguments");
        }
    }

    /** Writes the payload of this method's frame. */
    public void encode(ByteBuf out) {
        out.writeShort(spec.classId());
        out.writeShort(spec.methodId());
        String sig = spec.signature();
        int bits = 0;
        int bitIndex = -1;
        for (int i = 0; i < sig.length(); i++) {
            char c = sig.charAt(i);
            if (c != 'b' && bitIndex >= 0) {
                out.writeByte(bits);
                bitIndex = -1;
                bits = 0;
            }
            Object v = args[i];
            switch (c) {
                case 'o' -> out.writeByte(((Number) v).intValue());
                case 'h' -> out.writeShort(((Number) v).intValue());
                case 'l' -> out.writeInt((int) ((Number) v).longValue());
                case 'L', 'T' -> out.writeLong(((Number) v).longValue());
                case 's' -> FieldCodec.writeShortString(out, (String) v);
                case 'S' -> FieldCodec.writeLongBytes(out, v instanceof String s
                        ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) v);
                case 't' -> {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> t = (Map<String, ?>) v;
                    FieldCodec.writeTable(out, t);
                }
                case 'b' -> {
                    if (bitIndex < 0 || bitIndex == 8) {
                        if (bitIndex == 8) {
                            out.writeByte(bits);
                            bits = 0;
                        }
                        bitIndex = 0;
                    }
                    if ((Boolean) v) {
                        bits |= 1 << bitIndex;
                    }
                    bitIndex++;
                }
                default -> throw new IllegalStateException("bad signature " + sig);
            }
        }
        if (bitIndex >= 0) {
            out.writeByte(bits);
        }
    }

    @Override
    public String toString() {
        return spec.wireName();
    }
}
