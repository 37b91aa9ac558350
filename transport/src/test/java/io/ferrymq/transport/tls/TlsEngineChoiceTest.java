package io.ferrymq.transport.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsEngineChoiceTest {

    @Test
    void unsetOrAutoTakesOpenSslWhereItLoads() {
        SslProvider expected = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        assertThat(ReloadingSslContext.engine(null)).isEqualTo(expected);
        assertThat(ReloadingSslContext.engine("auto")).isEqualTo(expected);
    }

    @Test
    void jdkForcesTheJdkEngine() {
        assertThat(ReloadingSslContext.engine("JDK")).isEqualTo(SslProvider.JDK);
    }

    @Test
    void openSslIsTakenWhenItLoads() {
        if (OpenSsl.isAvailable()) {
            assertThat(ReloadingSslContext.engine("openssl")).isEqualTo(SslProvider.OPENSSL);
        } else {
            assertThatThrownBy(() -> ReloadingSslContext.engine("openssl"))
                    .hasMessageContaining("does not load");
        }
    }

    @Test
    void anotherValueIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> ReloadingSslContext.engine("boring"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ferrymq.tls.engine")
                .hasMessageContaining("openssl, jdk or auto");
    }
}
