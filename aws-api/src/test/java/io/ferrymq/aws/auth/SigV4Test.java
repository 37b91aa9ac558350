package io.ferrymq.aws.auth;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SigV4 against AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite, 2015-08-30): the
 * documented example key, date 20150830T123600Z, region us-east-1, service "service". Each case is the
 * request as the suite sends it and the Authorization header the suite expects; the signature the broker
 * computes for that request must be the one in the header.
 */
class SigV4Test {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String HOST = "host:example.amazonaws.com";
    private static final String DATE = "x-amz-date:20150830T123600Z";
    private static final String SCOPE = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    static Stream<Arguments> suite() {
        return Stream.of(
                vector("get-vanilla", "GET", "/", null, "", "host;x-amz-date",
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", HOST, DATE),
                vector("get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", "", "host;x-amz-date",
                        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", HOST, DATE),
                vector("get-vanilla-query-unreserved", "GET", "/",
                        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                + "=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", "host;x-amz-date",
                        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197", HOST, DATE),
                vector("get-vanilla-utf8-query", "GET", "/", "%E1%88%B4=bar", "", "host;x-amz-date",
                        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04", HOST, DATE),
                vector("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        null, "", "host;x-amz-date",
                        "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f", HOST, DATE),
                vector("get-utf8", "GET", "/\u1234", null, "", "host;x-amz-date",
                        "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85", HOST, DATE),
                vector("get-header-key-duplicate", "GET", "/", null, "", "host;my-header1;x-amz-date",
                        "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea", HOST,
                        "My-Header1:value2", "My-Header1:value2", "My-Header1:value1", DATE),
                vector("get-header-value-order", "GET", "/", null, "", "host;my-header1;x-amz-date",
                        "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01", HOST,
                        "My-Header1:value4", "My-Header1:value1", "My-Header1:value3", "My-Header1:value2", DATE),
                vector("get-header-value-trim", "GET", "/", null, "", "host;my-header1;my-header2;x-amz-date",
                        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736", HOST,
                        "My-Header1: value1", "My-Header2: \"a   b   c\"", DATE),
                vector("post-vanilla", "POST", "/", null, "", "host;x-amz-date",
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", HOST, DATE),
                vector("post-vanilla-query", "POST", "/", "Param1=value1", "", "host;x-amz-date",
                        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11", HOST, DATE),
                vector("post-header-key-case", "POST", "/", null, "", "host;x-amz-date",
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
                        "HOST:example.amazonaws.com", "X-AMZ-DATE:20150830T123600Z"),
                vector("post-header-key-sort", "POST", "/", null, "", "host;my-header1;x-amz-date",
                        "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c", HOST, "My-Header1:value1", DATE),
                vector("post-header-value-case", "POST", "/", null, "", "host;my-header1;x-amz-date",
                        "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d", HOST, "My-Header1:VALUE1", DATE),
                vector("post-sts-header-before", "POST", "/", null, "", "host;x-amz-date;x-amz-security-token",
                        "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead", HOST, DATE,
                        "X-Amz-Security-Token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRX"
                                + "mxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPky"
                                + "QDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+sc"
                                + "qKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="),
                vector("post-x-www-form-urlencoded", "POST", "/", null, "Param1=value1", "content-type;host;x-amz-date",
                        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
                        "Content-Type:application/x-www-form-urlencoded", HOST, DATE),
                vector("post-x-www-form-urlencoded-parameters", "POST", "/", null, "Param1=value1",
                        "content-type;host;x-amz-date", "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
                        "Content-Type:application/x-www-form-urlencoded; charset=utf8", HOST, DATE));
    }

    private static Arguments vector(String name, String method, String path, String rawQuery, String body,
                                    String signedHeaders, String signature, String... headerLines) {
        List<String> lines = new ArrayList<>(List.of(headerLines));
        lines.add("Authorization:AWS4-HMAC-SHA256 " + SCOPE + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
        return Arguments.of(name, request(method, path, rawQuery, body, lines), signature);
    }

    /** A request as the HTTP layer hands it over: header names lower-cased, repeated headers in order. */
    private static AwsRequest request(String method, String path, String rawQuery, String body, List<String> headerLines) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1));
        }
        return new AwsRequest(method, path, rawQuery, headers, body.getBytes(StandardCharsets.UTF_8), Map.of(), null, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void theSignatureOfEachTestSuiteRequestIsTheOneAwsPublished(String name, AwsRequest request, String signature) {
        SigV4.Signature s = SigV4.parse(request);

        assertThat(s.accessKeyId()).isEqualTo("AKIDEXAMPLE");
        assertThat(s.scope()).isEqualTo("20150830/us-east-1/service/aws4_request");
        assertThat(SigV4.expectedSignature(request, s, SECRET)).isEqualTo(signature);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void anotherSecretGivesAnotherSignature(String name, AwsRequest request, String signature) {
        assertThat(SigV4.expectedSignature(request, SigV4.parse(request), SECRET + "x")).isNotEqualTo(signature);
    }

    @Test
    void theCanonicalRequestOfGetVanillaIsTheSuites() {
        AwsRequest r = request("GET", "/", null, "", List.of(HOST, DATE, "Authorization:AWS4-HMAC-SHA256 " + SCOPE
                + ", SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));

        assertThat(SigV4.canonicalRequest(r, SigV4.parse(r))).isEqualTo("GET\n/\n\nhost:example.amazonaws.com\n"
                + "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void theCanonicalRequestOfAFormPostHashesTheBody() {
        AwsRequest r = request("POST", "/", null, "Param1=value1", List.of("Content-Type:application/x-www-form-urlencoded",
                HOST, DATE, "Authorization:AWS4-HMAC-SHA256 " + SCOPE + ", SignedHeaders=content-type;host;x-amz-date, "
                        + "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));

        assertThat(SigV4.canonicalRequest(r, SigV4.parse(r))).isEqualTo("POST\n/\n\n"
                + "content-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
                + "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                + "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    }

    @Test
    void aRequestWithoutAnySignatureParsesToNull() {
        assertThat(SigV4.parse(request("GET", "/", null, "", List.of(HOST, DATE)))).isNull();
    }

    @Test
    void theAuthorizationHeaderIsParsedIntoItsParts() {
        SigV4.Signature s = SigV4.parse(request("GET", "/", null, "", List.of(HOST, DATE, "Authorization:AWS4-HMAC-SHA256 "
                + SCOPE + ", SignedHeaders=Host;X-Amz-Date, Signature=abc")));

        assertThat(s).isEqualTo(new SigV4.Signature("AKIDEXAMPLE", "20150830", "us-east-1", "service",
                List.of("host", "x-amz-date"), "abc", "20150830T123600Z", false));
    }

    @Test
    void aPresignedQueryIsParsedAndItsSignatureLeftOutOfTheCanonicalQuery() {
        String query = "Action=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
                + "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc";
        AwsRequest r = request("GET", "/", query, "", List.of(HOST));

        SigV4.Signature s = SigV4.parse(r);

        assertThat(s.presigned()).isTrue();
        assertThat(s.scope()).isEqualTo("20150830/us-east-1/service/aws4_request");
        assertThat(SigV4.canonicalRequest(r, s)).startsWith("GET\n/\nAction=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
                + "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host\n").endsWith("\nUNSIGNED-PAYLOAD");
    }

    @Test
    void signatureVersion2IsRefusedByName() {
        assertThatThrownBy(() -> SigV4.parse(request("GET", "/", null, "", List.of(HOST, DATE,
                "Authorization:AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="))))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("IncompleteSignature"))
                .hasMessageContaining("Signature Version 2 is not supported");
    }

    @Test
    void aHeaderWithoutSignatureOrSignedHeadersSaysWhatIsMissing() {
        assertThatThrownBy(() -> SigV4.parse(request("GET", "/", null, "", List.of(HOST, DATE,
                "Authorization:AWS4-HMAC-SHA256 " + SCOPE))))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("IncompleteSignature"))
                .hasMessageContaining("requires 'Signature' parameter")
                .hasMessageContaining("requires 'SignedHeaders' parameter");
    }

    @Test
    void aCredentialWithoutTheAws4RequestTerminatorIsRefused() {
        assertThatThrownBy(() -> SigV4.parse(request("GET", "/", null, "", List.of(HOST, DATE,
                "Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=abc"))))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("IncompleteSignature"))
                .hasMessageContaining("aws4_request");
    }
}
