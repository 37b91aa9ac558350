package io.ferrymq.openwire;

import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.transport.ProtocolModule.Detection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Port unification: OpenWire is told by its first command, a WireFormatInfo, from the other protocols. */
class OpenwireDetectionTest {

    private final TestBroker core = TestBroker.start();
    private final OpenwireProtocol protocol = new OpenwireProtocol(core.broker(), OpenwireSettings.defaults());

    @AfterEach
    void stop() {
        core.close();
    }

    @Test
    void theActiveMqClientsWireFormatInfoMatchesAndItsStartAsksForMore() throws Exception {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(12);
        info.setMaxInactivityDuration(30_000);
        ByteSequence bytes = new OpenWireFormat(12).marshal(info);
        byte[] all = bytes.toArray();
        assertThat(detect(all)).isEqualTo(Detection.MATCH);
        for (int n = 0; n < 13; n++) {
            byte[] part = new byte[n];
            System.arraycopy(all, 0, part, 0, n);
            assertThat(detect(part)).as("first %d bytes", n).isEqualTo(Detection.NEED_MORE);
        }
    }

    @Test
    void otherProtocolsDoNotMatch() {
        assertThat(detect("CONNECT\naccept-version:1.2\n\n\0".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Detection.NO_MATCH);
        assertThat(detect(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0})).isEqualTo(Detection.NO_MATCH);
        assertThat(detect(new byte[] {0x10, 0x12, 0, 4, 'M', 'Q', 'T', 'T', 4, 2})).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Detection.NO_MATCH);
        // A size prefix and the right type, but not the magic.
        assertThat(detect(new byte[] {0, 0, 0, 20, 1, 'A', 'c', 't', 'i', 'v', 'e', 'X', 'Q'}))
                .isEqualTo(Detection.NO_MATCH);
    }

    private Detection detect(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            return protocol.detect(in);
        } finally {
            in.release();
        }
    }
}
