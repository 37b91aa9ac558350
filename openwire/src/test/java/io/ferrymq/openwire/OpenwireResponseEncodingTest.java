package io.ferrymq.openwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.activemq.command.Response;
import org.apache.activemq.command.WireFormatInfo;
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
        codec.negotiate(clientInfo(tight, cache));
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        OpenWireFormat client = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
        client.setPreferedWireFormatInfo(clientInfo(tight, cache));
        client.renegotiateWireFormat(clientInfo(tight, cache));

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

    private static WireFormatInfo clientInfo(boolean tight, boolean cache) throws Exception {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(OpenwireCodec.MAX_VERSION);
        info.setTightEncodingEnabled(tight);
        info.setCacheEnabled(cache);
        info.setCacheSize(1024);
        info.setSizePrefixDisabled(false);
        info.setMaxFrameSize(OpenWireFormat.DEFAULT_MAX_FRAME_SIZE);
        return info;
    }
}
