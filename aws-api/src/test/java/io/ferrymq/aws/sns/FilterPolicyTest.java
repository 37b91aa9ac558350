package io.ferrymq.aws.sns;

import io.ferrymq.aws.sqs.AttributeValue;
import io.ferrymq.aws.sqs.MessageProperties;
import io.ferrymq.core.message.Message;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SNS filter policies operator by operator, with the semantics AWS documents for subscription filter
 * policies: a key's values are alternatives, all keys must match, a missing attribute matches only
 * {@code exists: false}, strings and numbers never match each other, String.Array attributes match when
 * any element does, and body policies follow the JSON structure of the message.
 */
class FilterPolicyTest {

    // ------------------------------------------------------------------ messages

    /** Attributes given as alternating name, "Type:value" pairs. */
    private static Message attributes(String... nameTypeValue) {
        Map<String, AttributeValue> attrs = new LinkedHashMap<>();
        for (int i = 0; i < nameTypeValue.length; i += 2) {
            String tv = nameTypeValue[i + 1];
            int colon = tv.indexOf(':');
            String type = tv.substring(0, colon);
            String value = tv.substring(colon + 1);
            attrs.put(nameTypeValue[i], type.startsWith("Binary")
                    ? new AttributeValue(type, null, value.getBytes(StandardCharsets.UTF_8))
                    : new AttributeValue(type, value, null));
        }
        Message.Builder b = Message.builder().body("{}".getBytes(StandardCharsets.UTF_8));
        MessageProperties.write(b, attrs);
        return b.build();
    }

    private static Message body(String json) {
        return Message.builder().body(json.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static boolean attributePolicy(String policy, Message m) {
        return FilterPolicy.compile(FilterPolicy.ATTRIBUTES, policy).test(m);
    }

    private static boolean bodyPolicy(String policy, String json) {
        return FilterPolicy.compile(FilterPolicy.BODY, policy).test(body(json));
    }

    @Nested
    class ExactMatching {
        @Test
        void aStringMatchesOneOfTheListedValues() {
            String p = "{\"store\":[\"example_corp\",\"other_corp\"]}";
            assertThat(attributePolicy(p, attributes("store", "String:example_corp"))).isTrue();
            assertThat(attributePolicy(p, attributes("store", "String:other_corp"))).isTrue();
            assertThat(attributePolicy(p, attributes("store", "String:Example_Corp"))).isFalse();
            assertThat(attributePolicy(p, attributes("store", "String:example"))).isFalse();
        }

        @Test
        void aMissingAttributeDoesNotMatch() {
            assertThat(attributePolicy("{\"store\":[\"example_corp\"]}", attributes("other", "String:example_corp"))).isFalse();
            assertThat(attributePolicy("{\"store\":[\"example_corp\"]}", body("{}"))).isFalse();
        }

        @Test
        void everyKeyMustMatch() {
            String p = "{\"store\":[\"example_corp\"],\"event\":[\"order_placed\"]}";
            assertThat(attributePolicy(p, attributes("store", "String:example_corp", "event", "String:order_placed"))).isTrue();
            assertThat(attributePolicy(p, attributes("store", "String:example_corp", "event", "String:order_cancelled"))).isFalse();
            assertThat(attributePolicy(p, attributes("store", "String:example_corp"))).isFalse();
        }

        @Test
        void aNumberMatchesANumberAttributeOfTheSameValueHoweverWritten() {
            String p = "{\"price\":[100]}";
            assertThat(attributePolicy(p, attributes("price", "Number:100"))).isTrue();
            assertThat(attributePolicy(p, attributes("price", "Number:100.0"))).isTrue();
            assertThat(attributePolicy(p, attributes("price", "Number:1e2"))).isTrue();
            assertThat(attributePolicy(p, attributes("price", "Number:101"))).isFalse();
        }

        @Test
        void stringsAndNumbersNeverMatchEachOther() {
            assertThat(attributePolicy("{\"price\":[100]}", attributes("price", "String:100"))).isFalse();
            assertThat(attributePolicy("{\"price\":[\"100\"]}", attributes("price", "Number:100"))).isFalse();
        }

        @Test
        void aStringArrayAttributeMatchesWhenAnyElementMatches() {
            String p = "{\"sport\":[\"rugby\"]}";
            assertThat(attributePolicy(p, attributes("sport", "String.Array:[\"soccer\",\"rugby\",\"hockey\"]"))).isTrue();
            assertThat(attributePolicy(p, attributes("sport", "String.Array:[\"soccer\",\"hockey\"]"))).isFalse();
            assertThat(attributePolicy("{\"n\":[3]}", attributes("n", "String.Array:[1,2,3]"))).isTrue();
        }

        @Test
        void binaryAttributesAreNeverMatched() {
            assertThat(attributePolicy("{\"blob\":[\"abc\"]}", attributes("blob", "Binary:abc"))).isFalse();
            assertThat(attributePolicy("{\"blob\":[{\"exists\":true}]}", attributes("blob", "Binary:abc"))).isFalse();
        }
    }

    @Nested
    class StringOperators {
        @Test
        void prefix() {
            String p = "{\"customer_interests\":[{\"prefix\":\"bas\"}]}";
            assertThat(attributePolicy(p, attributes("customer_interests", "String:baseball"))).isTrue();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:basketball"))).isTrue();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:rugby"))).isFalse();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:Baseball"))).isFalse();
        }

        @Test
        void suffix() {
            String p = "{\"customer_interests\":[{\"suffix\":\"ball\"}]}";
            assertThat(attributePolicy(p, attributes("customer_interests", "String:baseball"))).isTrue();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:rugby"))).isFalse();
        }

        @Test
        void equalsIgnoreCase() {
            String p = "{\"customer_interests\":[{\"equals-ignore-case\":\"tennis\"}]}";
            assertThat(attributePolicy(p, attributes("customer_interests", "String:TENNIS"))).isTrue();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:Tennis"))).isTrue();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:tennis ball"))).isFalse();
        }

        @Test
        void prefixNeverMatchesANumberAttribute() {
            assertThat(attributePolicy("{\"n\":[{\"prefix\":\"1\"}]}", attributes("n", "Number:100"))).isFalse();
        }

        @Test
        void operatorsAndValuesMixInOneKey() {
            String p = "{\"colour\":[\"red\",{\"prefix\":\"bl\"},{\"suffix\":\"een\"}]}";
            assertThat(attributePolicy(p, attributes("colour", "String:red"))).isTrue();
            assertThat(attributePolicy(p, attributes("colour", "String:blue"))).isTrue();
            assertThat(attributePolicy(p, attributes("colour", "String:green"))).isTrue();
            assertThat(attributePolicy(p, attributes("colour", "String:yellow"))).isFalse();
        }
    }

    @Nested
    class AnythingBut {
        @Test
        void aListOfStrings() {
            String p = "{\"customer_interests\":[{\"anything-but\":[\"rugby\",\"tennis\"]}]}";
            assertThat(attributePolicy(p, attributes("customer_interests", "String:baseball"))).isTrue();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:rugby"))).isFalse();
            assertThat(attributePolicy(p, attributes("customer_interests", "String:tennis"))).isFalse();
        }

        @Test
        void aSingleValue() {
            assertThat(attributePolicy("{\"a\":[{\"anything-but\":\"x\"}]}", attributes("a", "String:y"))).isTrue();
            assertThat(attributePolicy("{\"a\":[{\"anything-but\":\"x\"}]}", attributes("a", "String:x"))).isFalse();
        }

        @Test
        void numbers() {
            String p = "{\"price\":[{\"anything-but\":[100,500]}]}";
            assertThat(attributePolicy(p, attributes("price", "Number:101"))).isTrue();
            assertThat(attributePolicy(p, attributes("price", "Number:100.0"))).isFalse();
            assertThat(attributePolicy(p, attributes("price", "Number:500"))).isFalse();
        }

        @Test
        void aMissingAttributeDoesNotMatch() {
            assertThat(attributePolicy("{\"a\":[{\"anything-but\":[\"x\"]}]}", attributes("b", "String:y"))).isFalse();
        }

        @Test
        void aPrefix() {
            String p = "{\"event\":[{\"anything-but\":{\"prefix\":\"order-\"}}]}";
            assertThat(attributePolicy(p, attributes("event", "String:data-entry"))).isTrue();
            assertThat(attributePolicy(p, attributes("event", "String:order-cancelled"))).isFalse();
        }

        @Test
        void aSuffix() {
            String p = "{\"file\":[{\"anything-but\":{\"suffix\":\".png\"}}]}";
            assertThat(attributePolicy(p, attributes("file", "String:a.jpg"))).isTrue();
            assertThat(attributePolicy(p, attributes("file", "String:a.png"))).isFalse();
        }

        @Test
        void equalsIgnoreCaseValues() {
            String p = "{\"colour\":[{\"anything-but\":{\"equals-ignore-case\":[\"Red\",\"BLUE\"]}}]}";
            assertThat(attributePolicy(p, attributes("colour", "String:green"))).isTrue();
            assertThat(attributePolicy(p, attributes("colour", "String:RED"))).isFalse();
            assertThat(attributePolicy(p, attributes("colour", "String:blue"))).isFalse();
        }
    }

    @Nested
    class NumericRanges {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"0", "0.5", "99.999", "-1000000000"})
        void belowTheUpperBound(String value) {
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\"<\",100]}]}", attributes("price", "Number:" + value))).isTrue();
        }

        @Test
        void eachComparison() {
            Message hundred = attributes("price", "Number:100");
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\"=\",100]}]}", hundred)).isTrue();
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\"=\",100.5]}]}", hundred)).isFalse();
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\"<\",100]}]}", hundred)).isFalse();
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\"<=\",100]}]}", hundred)).isTrue();
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\">\",100]}]}", hundred)).isFalse();
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\">=\",100]}]}", hundred)).isTrue();
        }

        @Test
        void aRangeIncludesAndExcludesItsBoundsAsWritten() {
            String p = "{\"price\":[{\"numeric\":[\">\",0,\"<=\",150]}]}";
            assertThat(attributePolicy(p, attributes("price", "Number:0"))).isFalse();
            assertThat(attributePolicy(p, attributes("price", "Number:0.01"))).isTrue();
            assertThat(attributePolicy(p, attributes("price", "Number:150"))).isTrue();
            assertThat(attributePolicy(p, attributes("price", "Number:150.01"))).isFalse();
        }

        @Test
        void aStringAttributeHoldingANumberIsNotANumber() {
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\">\",0]}]}", attributes("price", "String:5"))).isFalse();
        }

        @Test
        void customNumberTypesAreNumbers() {
            assertThat(attributePolicy("{\"price\":[{\"numeric\":[\">\",0]}]}", attributes("price", "Number.float:5.5"))).isTrue();
        }

        @Test
        void malformedRangesAreRefusedWithAwsWords() {
            assertRefused("{\"p\":[{\"numeric\":[\">\",10,\"<\",5]}]}", "Bottom must be less than top");
            assertRefused("{\"p\":[{\"numeric\":[\"<\",5,\">\",10]}]}", "Too many elements in numeric expression");
            assertRefused("{\"p\":[{\"numeric\":[\"!=\",5]}]}", "Unrecognized numeric range operator: !=");
            assertRefused("{\"p\":[{\"numeric\":[\">\",\"5\"]}]}", "Value of > must be numeric");
            assertRefused("{\"p\":[{\"numeric\":5}]}", "Value of numeric must be an array.");
            assertRefused("{\"p\":[{\"numeric\":[\">\",1000000001]}]}", "Numeric values must be between -1.0E9 and 1.0E9 inclusive");
        }
    }

    @Nested
    class Exists {
        @Test
        void trueMatchesAnyValueOfAPresentAttribute() {
            String p = "{\"store\":[{\"exists\":true}]}";
            assertThat(attributePolicy(p, attributes("store", "String:anything"))).isTrue();
            assertThat(attributePolicy(p, attributes("store", "Number:1"))).isTrue();
            assertThat(attributePolicy(p, attributes("other", "String:x"))).isFalse();
        }

        @Test
        void falseMatchesOnlyAMissingAttribute() {
            String p = "{\"store\":[{\"exists\":false}]}";
            assertThat(attributePolicy(p, attributes("other", "String:x"))).isTrue();
            assertThat(attributePolicy(p, attributes("store", "String:x"))).isFalse();
        }

        @Test
        void onlyBooleansAreAllowed() {
            assertRefused("{\"store\":[{\"exists\":\"yes\"}]}", "exists match pattern must be either true or false.");
        }
    }

    @Nested
    class Cidr {
        @Test
        void ipv4Networks() {
            String p = "{\"source_ip\":[{\"cidr\":\"10.0.0.0/24\"}]}";
            assertThat(attributePolicy(p, attributes("source_ip", "String:10.0.0.255"))).isTrue();
            assertThat(attributePolicy(p, attributes("source_ip", "String:10.0.1.0"))).isFalse();
            assertThat(attributePolicy("{\"ip\":[{\"cidr\":\"192.168.0.0/20\"}]}", attributes("ip", "String:192.168.15.1"))).isTrue();
            assertThat(attributePolicy("{\"ip\":[{\"cidr\":\"192.168.0.0/20\"}]}", attributes("ip", "String:192.168.16.1"))).isFalse();
        }

        @Test
        void ipv6Networks() {
            String p = "{\"ip\":[{\"cidr\":\"2001:db8::/32\"}]}";
            assertThat(attributePolicy(p, attributes("ip", "String:2001:db8:1::1"))).isTrue();
            assertThat(attributePolicy(p, attributes("ip", "String:2001:db9::1"))).isFalse();
            assertThat(attributePolicy(p, attributes("ip", "String:10.0.0.1"))).isFalse();
        }

        @Test
        void aValueThatIsNotAnAddressDoesNotMatchAndNothingIsResolved() {
            assertThat(attributePolicy("{\"ip\":[{\"cidr\":\"10.0.0.0/8\"}]}", attributes("ip", "String:localhost"))).isFalse();
        }

        @Test
        void malformedNetworksAreRefused() {
            assertRefused("{\"ip\":[{\"cidr\":\"10.0.0.0\"}]}", "Malformed CIDR, one '/' required");
            assertRefused("{\"ip\":[{\"cidr\":\"10.0.0.0/33\"}]}", "Nonstandard IP address: 10.0.0.0/33");
            assertRefused("{\"ip\":[{\"cidr\":\"example.com/8\"}]}", "Nonstandard IP address: example.com/8");
        }
    }

    @Nested
    class Or {
        @Test
        void eitherBranchMatches() {
            String p = "{\"source\":[\"aws.cloudwatch\"],\"$or\":[{\"metricName\":[\"CPUUtilization\"]},"
                    + "{\"namespace\":[\"AWS/EC2\"]}]}";
            assertThat(attributePolicy(p, attributes("source", "String:aws.cloudwatch", "metricName", "String:CPUUtilization"))).isTrue();
            assertThat(attributePolicy(p, attributes("source", "String:aws.cloudwatch", "namespace", "String:AWS/EC2"))).isTrue();
            assertThat(attributePolicy(p, attributes("source", "String:aws.cloudwatch", "namespace", "String:AWS/S3"))).isFalse();
            assertThat(attributePolicy(p, attributes("source", "String:other", "metricName", "String:CPUUtilization"))).isFalse();
        }

        @Test
        void needsAtLeastTwoObjects() {
            assertRefused("{\"$or\":[{\"a\":[\"x\"]}]}", "Value of $or must be an array of at least 2 objects");
            assertRefused("{\"$or\":{\"a\":[\"x\"]}}", "Value of $or must be an array of at least 2 objects");
        }
    }

    @Nested
    class BodyPolicies {
        @Test
        void nestedKeysFollowTheJsonStructure() {
            String p = "{\"store\":{\"city\":[\"Seattle\"],\"size\":[{\"numeric\":[\">=\",10]}]}}";
            assertThat(bodyPolicy(p, "{\"store\":{\"city\":\"Seattle\",\"size\":12}}")).isTrue();
            assertThat(bodyPolicy(p, "{\"store\":{\"city\":\"Seattle\",\"size\":9}}")).isFalse();
            assertThat(bodyPolicy(p, "{\"store\":{\"city\":\"Portland\",\"size\":12}}")).isFalse();
            assertThat(bodyPolicy(p, "{\"city\":\"Seattle\",\"size\":12}")).isFalse();
        }

        @Test
        void anArrayOfObjectsMatchesWhenOneObjectMatches() {
            String p = "{\"items\":{\"sku\":[\"B\"]}}";
            assertThat(bodyPolicy(p, "{\"items\":[{\"sku\":\"A\"},{\"sku\":\"B\"}]}")).isTrue();
            assertThat(bodyPolicy(p, "{\"items\":[{\"sku\":\"A\"},{\"sku\":\"C\"}]}")).isFalse();
        }

        @Test
        void anArrayOfValuesMatchesWhenOneValueMatches() {
            assertThat(bodyPolicy("{\"tags\":[\"red\"]}", "{\"tags\":[\"blue\",\"red\"]}")).isTrue();
            assertThat(bodyPolicy("{\"tags\":[\"red\"]}", "{\"tags\":[\"blue\"]}")).isFalse();
        }

        @Test
        void booleansAndNullMatchExactly() {
            assertThat(bodyPolicy("{\"paid\":[true]}", "{\"paid\":true}")).isTrue();
            assertThat(bodyPolicy("{\"paid\":[true]}", "{\"paid\":\"true\"}")).isFalse();
            assertThat(bodyPolicy("{\"coupon\":[null]}", "{\"coupon\":null}")).isTrue();
            assertThat(bodyPolicy("{\"coupon\":[null]}", "{}")).isFalse();
        }

        @Test
        void existsFalseMatchesAMissingNestedObject() {
            String p = "{\"store\":{\"manager\":[{\"exists\":false}]}}";
            assertThat(bodyPolicy(p, "{\"other\":1}")).isTrue();
            assertThat(bodyPolicy(p, "{\"store\":{\"manager\":\"Ann\"}}")).isFalse();
        }

        @Test
        void orWorksInsideABody() {
            String p = "{\"$or\":[{\"a\":[1]},{\"b\":{\"c\":[{\"prefix\":\"x\"}]}}]}";
            assertThat(bodyPolicy(p, "{\"a\":1}")).isTrue();
            assertThat(bodyPolicy(p, "{\"b\":{\"c\":\"xyz\"}}")).isTrue();
            assertThat(bodyPolicy(p, "{\"a\":2,\"b\":{\"c\":\"yz\"}}")).isFalse();
        }

        @Test
        void aBodyThatIsNotAJsonObjectNeverMatches() {
            assertThat(bodyPolicy("{\"a\":[{\"exists\":false}]}", "not json")).isFalse();
            assertThat(bodyPolicy("{\"a\":[{\"exists\":false}]}", "[1,2]")).isFalse();
        }

        @Test
        void anAttributePolicyMayNotNest() {
            assertThatThrownBy(() -> FilterPolicy.compile(FilterPolicy.ATTRIBUTES, "{\"store\":{\"city\":[\"x\"]}}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("\"store\" must be an object or an array");
        }

        @Test
        void theScopeNameSelectsTheLanguage() {
            assertThat(FilterPolicy.language("MessageBody")).isEqualTo(FilterPolicy.BODY);
            assertThat(FilterPolicy.language("MessageAttributes")).isEqualTo(FilterPolicy.ATTRIBUTES);
            assertThat(FilterPolicy.language(null)).isEqualTo(FilterPolicy.ATTRIBUTES);
        }
    }

    @Nested
    class Limits {
        @Test
        void atMostFiveKeys() {
            FilterPolicy.compile(FilterPolicy.ATTRIBUTES, "{\"a\":[1],\"b\":[1],\"c\":[1],\"d\":[1],\"e\":[1]}");
            assertRefused("{\"a\":[1],\"b\":[1],\"c\":[1],\"d\":[1],\"e\":[1],\"f\":[1]}",
                    "Filter policy can not have more than 5 keys");
        }

        @Test
        void atMost150Combinations() {
            // 10 x 15 = 150 is allowed, 10 x 16 = 160 is not
            String ten = values(10);
            FilterPolicy.compile(FilterPolicy.ATTRIBUTES, "{\"a\":" + ten + ",\"b\":" + values(15) + "}");
            assertRefused("{\"a\":" + ten + ",\"b\":" + values(16) + "}", "Filter policy is too complex");
        }

        @Test
        void atMostFiveLevelsOfNesting() {
            FilterPolicy.compile(FilterPolicy.BODY, "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":[1]}}}}}");
            assertThatThrownBy(() -> FilterPolicy.compile(FilterPolicy.BODY, "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":[1]}}}}}}"))
                    .hasMessage("Filter policy can not have more than 5 levels of nesting");
        }

        @Test
        void malformedPoliciesAreRefusedWithAwsWords() {
            assertRefused("[]", "Filter policy must be a JSON object");
            assertRefused("{}", "Filter policy can not be empty");
            assertRefused("{\"a\":[]}", "Empty arrays are not allowed");
            assertThatThrownBy(() -> FilterPolicy.compile(FilterPolicy.ATTRIBUTES, "{\"a\":\"x\"}"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertRefused("{\"a\":[{\"wildcard\":\"x*\"}]}", "Unrecognized match type wildcard");
            assertRefused("{\"a\":[{\"prefix\":1}]}", "prefix match pattern must be a string");
            assertRefused("{\"a\":[{\"anything-but\":{\"numeric\":[\">\",1]}}]}", "Unsupported anything-but pattern: numeric");
            assertThatThrownBy(() -> FilterPolicy.compile(FilterPolicy.ATTRIBUTES, "{\"a\":"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("failed to parse JSON.");
        }

        private static String values(int n) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ",").append(i);
            }
            return sb.append(']').toString();
        }
    }

    @Test
    void thePolicyKeepsItsLanguageAndSource() {
        FilterPolicy p = FilterPolicy.compile(FilterPolicy.BODY, "{\"a\":[1]}");
        assertThat(p.language()).isEqualTo(FilterPolicy.BODY);
        assertThat(p.expression()).isEqualTo("{\"a\":[1]}");
    }

    private static void assertRefused(String policy, String message) {
        assertThatThrownBy(() -> FilterPolicy.compile(FilterPolicy.ATTRIBUTES, policy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
