package io.ferrymq.openwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.activemq.command.Response;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A Response is written in the very bytes activemq-client's own marshalling gives it, in every encoding. */
class OpenwireResponseEncodingTest {

    @ParameterizedTest
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void aResponseIsTheBytesActivemqClientMarshals(boolean tight, boolean cache) throws Exception {
        OpenwireCodec codec = new OpenwireCodec(OpenwireSettings.defaults().withCacheEnabled(true));
        codec.negotiate(ReceivedFrameTest.clientInfo(tight, cache));
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        OpenWireFormat client = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
        client.setPreferedWireFormatInfo(ReceivedFrameTest.clientInfo(tight, cache));
        client.renegotiateWireFormat(ReceivedFrameTest.clientInfo(tight, cache));

        for (int correlation : new int[] {1, 65_536, Integer.MAX_VALUE}) {
            Response r = new Response();
            r.setCorrelationId(correlation);
            channel.writeOutbound(r);
            ByteBuf written = channel.readOutbound();
            byte[] bytes = ByteBufUtil.getBytes(written);
            written.release();

            assertThat(bytes).isEqualTo(client.marshal(r).toArray());
            Response read = (Response) client.unmarshal(new ByteSequence(bytes));
            assertThat(read.getCorrelationId()).isEqualTo(correlation);
            assertThat(read.isResponseRequired()).isFalse();
        }
        channel.finishAndReleaseAll();
    }
}
