package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table-driven method codec: every method of the table round-trips; short or unknown input is refused. */
class MethodCodecTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(MethodSpec.class)
    void everyMethodRoundTrips(MethodSpec spec) {
        String sig = spec.signature();
        Object[] args = new Object[sig.length()];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (sig.charAt(i)) {
                case 'o' -> 200;
                case 'h' -> 65000 - i;
                case 'l' -> 4_000_000_000L;
                case 'L', 'T' -> Long.MAX_VALUE - i;
                case 's' -> "short-" + i;
                case 'S' -> ("long-" + i).getBytes(StandardCharsets.UTF_8);
                case 'b' -> i % 2 == 0;
                case 't' -> Map.of("k" + i, "v");
                default -> throw new IllegalStateException();
            };
        }
        ByteBuf buf = Unpooled.buffer();
        new Method(spec, args).encode(buf);
        Method back = Method.decode(buf);
        assertThat(back.spec()).isEqualTo(spec);
        assertThat(buf.isReadable()).isFalse();
        for (int i = 0; i < args.length; i++) {
            assertThat(back.args()[i]).as("argument %d (%s)", i, sig.charAt(i)).isEqualTo(args[i]);
        }
    }

    @Test
    void consecutiveBitsShareAnOctet() {
        ByteBuf buf = Unpooled.buffer();
        new Method(MethodSpec.QUEUE_DECLARE, 0, "q", true, false, true, false, true, Map.of()).encode(buf);
        // class, method, reserved short, "q", one octet of bits, empty table
        assertThat(buf.readableBytes()).isEqualTo(4 + 2 + 2 + 1 + 4);
        assertThat(buf.getByte(4 + 2 + 2)).isEqualTo((byte) 0b10101);
    }

    @Test
    void fieldTablesKeepRabbitMqsValueTypes() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("s", "text");
        t.put("i", 7);
        t.put("l", 8L);
        t.put("b", true);
        t.put("d", 1.5d);
        t.put("x", new byte[] {1, 2});
        t.put("t", new Date(1_700_000_000_000L));
        t.put("nested", Map.of("a", 1));
        t.put("list", List.of("a", 2));
        t.put("void", null);
        ByteBuf buf = Unpooled.buffer();
        FieldCodec.writeTable(buf, t);
        Map<String, Object> back = FieldCodec.readTable(buf);
        assertThat(back).containsEntry("s", "text").containsEntry("i", 7).containsEntry("l", 8L)
                .containsEntry("b", true).containsEntry("d", 1.5d).containsEntry("t", new Date(1_700_000_000_000L))
                .containsEntry("nested", Map.of("a", 1)).containsEntry("list", List.of("a", 2))
                .containsEntry("void", null);
        assertThat((byte[]) back.get("x")).containsExactly(1, 2);
    }

    @Test
    void aTruncatedMethodIsASyntaxError() {
        ByteBuf buf = Unpooled.buffer();
        new Method(MethodSpec.QUEUE_DECLARE, 0, "queue", false, false, false, false, false, Map.of()).encode(buf);
        ByteBuf cut = buf.slice(0, buf.readableBytes() - 3);
        assertThatThrownBy(() -> Method.decode(cut)).isInstanceOfSatisfying(AmqpFrameException.class,
                e -> assertThat(e.replyCode()).isEqualTo(ReplyCodes.SYNTAX_ERROR));
    }

    @Test
    void anUnknownMethodIsCommandInvalid() {
        ByteBuf buf = Unpooled.buffer().writeShort(60).writeShort(999);
        assertThatThrownBy(() -> Method.decode(buf)).isInstanceOfSatisfying(AmqpFrameException.class,
                e -> assertThat(e.replyCode()).isEqualTo(ReplyCodes.COMMAND_INVALID));
    }

    @Test
    void anUnknownFieldTypeIsASyntaxError() {
        ByteBuf buf = Unpooled.buffer().writeInt(3).writeByte(1).writeByte('k').writeByte('Z');
        assertThatThrownBy(() -> FieldCodec.readTable(buf)).isInstanceOfSatisfying(AmqpFrameException.class,
                e -> assertThat(e.replyCode()).isEqualTo(ReplyCodes.SYNTAX_ERROR));
    }

    @Test
    void contentPropertiesRoundTrip() {
        BasicProperties p = new BasicProperties("text/plain", "gzip", Map.of("h", "v"), 2, 5, "c", "r", "1000", "m",
                1_700_000_000L, "t", "u", "a", null);
        ByteBuf buf = Unpooled.buffer();
        p.encode(buf);
        assertThat(BasicProperties.decode(buf)).isEqualTo(p);
        ByteBuf empty = Unpooled.buffer();
        BasicProperties.EMPTY.encode(empty);
        assertThat(empty.readableBytes()).isEqualTo(2);
    }
}
