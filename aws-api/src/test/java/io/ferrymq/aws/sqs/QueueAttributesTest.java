package io.ferrymq.aws.sqs;

import io.ferrymq.aws.wire.AwsError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQS queue attributes one by one: which exist and may be set, the documented range of each numeric one
 * (both ends in, one past each end out), the enumerations, the JSON policies, and the defaults a queue shows.
 */
class QueueAttributesTest {

    private static final long MAX_MESSAGE_BYTES = 262_144;
    private static final String SELF = "arn:aws:sqs:us-east-1:000000000000:source";
    private static final String DLQ = "arn:aws:sqs:us-east-1:000000000000:dead";
    private static final String FIFO_DLQ = "arn:aws:sqs:us-east-1:000000000000:dead.fifo";

    private final Map<String, QueueMeta> queues = new HashMap<>(Map.of(
            DLQ, meta("dead", Map.of()),
            FIFO_DLQ, meta("dead.fifo", Map.of())));

    private static QueueMeta meta(String name, Map<String, String> attributes) {
        return new QueueMeta("/", name, attributes, Map.of(), 1L, 1L);
    }

    private void validate(Map<String, String> attrs, boolean fifo, boolean create) {
        Function<String, QueueMeta> lookup = queues::get;
        QueueAttributes.validate(attrs, fifo, create, MAX_MESSAGE_BYTES, lookup, SELF);
    }

    private void accepted(String name, String value) {
        assertThatCode(() -> validate(Map.of(name, value), false, true)).as(name + "=" + value).doesNotThrowAnyException();
    }

    private void refused(String name, String value, String code, String message) {
        assertThatThrownBy(() -> validate(Map.of(name, value), false, true)).as(name + "=" + value)
                .isInstanceOfSatisfying(AwsError.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} from {1} to {2}")
    @CsvSource({
            "DelaySeconds, 0, 900",
            "MaximumMessageSize, 1024, 262144",
            "MessageRetentionPeriod, 60, 1209600",
            "ReceiveMessageWaitTimeSeconds, 0, 20",
            "VisibilityTimeout, 0, 43200",
            "KmsDataKeyReusePeriodSeconds, 60, 86400"})
    void eachNumericAttributeTakesItsDocumentedRangeAndNothingOutside(String name, long min, long max) {
        accepted(name, Long.toString(min));
        accepted(name, Long.toString(max));
        accepted(name, " " + max + " ");
        String invalid = "Invalid value for the parameter " + name + ".";
        refused(name, Long.toString(min - 1), "InvalidAttributeValue", invalid);
        refused(name, Long.toString(max + 1), "InvalidAttributeValue", invalid);
        refused(name, "ten", "InvalidAttributeValue", invalid);
        refused(name, "", "InvalidAttributeValue", invalid);
        refused(name, "1.5", "InvalidAttributeValue", invalid);
    }

    @Test
    void theMaximumMessageSizeIsBoundedByTheBrokersOwnLimit() {
        assertThatThrownBy(() -> QueueAttributes.validate(Map.of("MaximumMessageSize", "262144"), false, true, 65_536,
                queues::get, SELF)).isInstanceOf(AwsError.class);
        assertThatCode(() -> QueueAttributes.validate(Map.of("MaximumMessageSize", "65536"), false, true, 65_536,
                queues::get, SELF)).doesNotThrowAnyException();
    }

    @Test
    void booleansAreTrueOrFalseInAnyCase() {
        accepted("SqsManagedSseEnabled", "true");
        accepted("SqsManagedSseEnabled", "FALSE");
        refused("SqsManagedSseEnabled", "yes", "InvalidAttributeValue", "Invalid value for the parameter SqsManagedSseEnabled.");
        assertThatCode(() -> validate(Map.of("ContentBasedDeduplication", "True"), true, true)).doesNotThrowAnyException();
        assertThatThrownBy(() -> validate(Map.of("ContentBasedDeduplication", "1"), true, true)).isInstanceOf(AwsError.class);
    }

    @Test
    void fifoEnumerationsTakeOnlyTheirValues() {
        assertThatCode(() -> validate(Map.of("DeduplicationScope", "messageGroup", "FifoThroughputLimit", "perMessageGroupId"),
                true, true)).doesNotThrowAnyException();
        assertThatCode(() -> validate(Map.of("DeduplicationScope", "queue", "FifoThroughputLimit", "perQueue"),
                true, true)).doesNotThrowAnyException();
        assertThatThrownBy(() -> validate(Map.of("DeduplicationScope", "group"), true, true))
                .hasMessage("Invalid value for the parameter DeduplicationScope.");
        assertThatThrownBy(() -> validate(Map.of("FifoThroughputLimit", "perqueue"), true, true))
                .hasMessage("Invalid value for the parameter FifoThroughputLimit.");
    }

    @Test
    void highThroughputFifoNeedsDeduplicationPerMessageGroup() {
        assertThatThrownBy(() -> validate(Map.of("DeduplicationScope", "queue", "FifoThroughputLimit", "perMessageGroupId"),
                true, true)).isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("InvalidAttributeValue"))
                .hasMessageContaining("requires the DeduplicationScope messageGroup");
    }

    @Test
    void fifoAttributesOnAStandardQueueAreUnknown() {
        for (String name : new String[] {"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}) {
            refused(name, "true", "InvalidAttributeName", "Unknown Attribute " + name + ".");
        }
    }

    @Test
    void fifoQueueMayOnlyBeGivenOnCreate() {
        assertThatCode(() -> validate(Map.of("FifoQueue", "true"), true, true)).doesNotThrowAnyException();
        assertThatThrownBy(() -> validate(Map.of("FifoQueue", "true"), true, false))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("InvalidAttributeName"));
    }

    @Test
    void readOnlyAndUnknownAttributesCannotBeSet() {
        for (String name : QueueAttributes.READ_ONLY) {
            refused(name, "1", "InvalidAttributeName", "Unknown Attribute " + name + ".");
        }
        refused("Colour", "blue", "InvalidAttributeName", "Unknown Attribute Colour.");
        refused("visibilitytimeout", "30", "InvalidAttributeName", "Unknown Attribute visibilitytimeout.");
    }

    @Test
    void everySettableAndFifoAttributeIsKnown() {
        QueueAttributes.SETTABLE.forEach(n -> assertThat(QueueAttributes.known(n)).as(n).isTrue());
        QueueAttributes.FIFO_ONLY.forEach(n -> assertThat(QueueAttributes.known(n)).as(n).isTrue());
        QueueAttributes.READ_ONLY.forEach(n -> assertThat(QueueAttributes.known(n)).as(n).isTrue());
        assertThat(QueueAttributes.known("Colour")).isFalse();
    }

    @Test
    void aPolicyMustBeAJsonObjectOrEmpty() {
        accepted("Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        accepted("Policy", "");
        refused("Policy", "[1]", "InvalidAttributeValue", "Invalid value for the parameter Policy.");
        refused("Policy", "{not json", "InvalidAttributeValue", "Invalid value for the parameter Policy.");
    }

    @Test
    void aRedrivePolicyNamesAnExistingQueueOfTheSameKindAndACountFrom1To1000() {
        accepted("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":1}");
        accepted("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":\"1000\"}");
        accepted("RedrivePolicy", "");
        String zero = "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":0}";
        refused("RedrivePolicy", zero, "InvalidParameterValue", "Value " + zero + " for parameter RedrivePolicy is invalid."
                + " Reason: Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.");
        String tooMany = "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":1001}";
        refused("RedrivePolicy", tooMany, "InvalidParameterValue", "Value " + tooMany + " for parameter RedrivePolicy is"
                + " invalid. Reason: Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive.");
        String noTarget = "{\"maxReceiveCount\":5}";
        refused("RedrivePolicy", noTarget, "InvalidParameterValue", "Value " + noTarget + " for parameter RedrivePolicy is"
                + " invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
        String noCount = "{\"deadLetterTargetArn\":\"" + DLQ + "\"}";
        refused("RedrivePolicy", noCount, "InvalidParameterValue", "Value " + noCount + " for parameter RedrivePolicy is"
                + " invalid. Reason: Redrive policy does not contain mandatory attribute: maxReceiveCount.");
        refused("RedrivePolicy", "nope", "InvalidParameterValue", "Value nope for parameter RedrivePolicy is invalid."
                + " Reason: Redrive policy is not a valid JSON map.");
    }

    @Test
    void aRedriveTargetMustExistBeAnSqsQueueOfTheSameKindAndNotTheQueueItself() {
        String missing = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:nowhere\",\"maxReceiveCount\":3}";
        refused("RedrivePolicy", missing, "AWS.SimpleQueueService.NonExistentQueue", "Value " + missing
                + " for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
        String sns = "{\"deadLetterTargetArn\":\"arn:aws:sns:us-east-1:000000000000:dead\",\"maxReceiveCount\":3}";
        refused("RedrivePolicy", sns, "InvalidParameterValue", "Value " + sns + " for parameter RedrivePolicy is invalid."
                + " Reason: Invalid value for deadLetterTargetArn.");
        String fifo = "{\"deadLetterTargetArn\":\"" + FIFO_DLQ + "\",\"maxReceiveCount\":3}";
        refused("RedrivePolicy", fifo, "InvalidParameterValue", "Value " + fifo + " for parameter RedrivePolicy is invalid."
                + " Reason: Dead-letter queue must be same type of queue as the source.");
        queues.put(SELF, meta("source", Map.of()));
        String self = "{\"deadLetterTargetArn\":\"" + SELF + "\",\"maxReceiveCount\":3}";
        refused("RedrivePolicy", self, "InvalidParameterValue", "Value " + self + " for parameter RedrivePolicy is invalid."
                + " Reason: A queue cannot be its own dead-letter queue.");
    }

    @Test
    void aDeadLetterQueuesRedriveAllowPolicyIsHonoured() {
        String policy = "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":3}";
        queues.put(DLQ, meta("dead", Map.of("RedriveAllowPolicy", "{\"redrivePermission\":\"denyAll\"}")));
        assertThatThrownBy(() -> validate(Map.of("RedrivePolicy", policy), false, true))
                .hasMessageContaining("does not allow this queue to use it as a dead-letter queue");

        queues.put(DLQ, meta("dead", Map.of("RedriveAllowPolicy",
                "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"" + SELF + "\"]}")));
        assertThatCode(() -> validate(Map.of("RedrivePolicy", policy), false, true)).doesNotThrowAnyException();

        queues.put(DLQ, meta("dead", Map.of("RedriveAllowPolicy",
                "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"arn:aws:sqs:us-east-1:000000000000:other\"]}")));
        assertThatThrownBy(() -> validate(Map.of("RedrivePolicy", policy), false, true)).isInstanceOf(AwsError.class);
    }

    @Test
    void aRedriveAllowPolicyIsOneOfThreePermissionsWithSourcesOnlyForByQueue() {
        accepted("RedriveAllowPolicy", "{\"redrivePermission\":\"allowAll\"}");
        accepted("RedriveAllowPolicy", "{\"redrivePermission\":\"denyAll\"}");
        accepted("RedriveAllowPolicy", "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"" + SELF + "\"]}");
        assertThatThrownBy(() -> validate(Map.of("RedriveAllowPolicy", "{\"redrivePermission\":\"some\"}"), false, true))
                .hasMessageContaining("Invalid value for redrivePermission: some. Valid values are allowAll, denyAll and byQueue.");
        assertThatThrownBy(() -> validate(Map.of("RedriveAllowPolicy", "{\"redrivePermission\":\"byQueue\"}"), false, true))
                .hasMessageContaining("Number of sourceQueueArns must be between 1 and 10 when redrivePermission is byQueue.");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("\"arn:aws:sqs:us-east-1:000000000000:q").append(i).append('"');
        }
        assertThatThrownBy(() -> validate(Map.of("RedriveAllowPolicy",
                "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[" + eleven + "]}"), false, true))
                .hasMessageContaining("Number of sourceQueueArns must be between 1 and 10");
        assertThatThrownBy(() -> validate(Map.of("RedriveAllowPolicy",
                "{\"redrivePermission\":\"allowAll\",\"sourceQueueArns\":[\"" + SELF + "\"]}"), false, true))
                .hasMessageContaining("sourceQueueArns may only be given when redrivePermission is byQueue.");
    }

    @Test
    void aQueueShowsAwsDefaultsUnderWhatWasSet() {
        Map<String, String> standard = QueueAttributes.effective(meta("q", Map.of("VisibilityTimeout", "45")), MAX_MESSAGE_BYTES);
        assertThat(standard).containsEntry("VisibilityTimeout", "45").containsEntry("MaximumMessageSize", "262144")
                .containsEntry("MessageRetentionPeriod", "345600").containsEntry("DelaySeconds", "0")
                .containsEntry("ReceiveMessageWaitTimeSeconds", "0").containsEntry("SqsManagedSseEnabled", "false")
                .doesNotContainKeys("FifoQueue", "ContentBasedDeduplication");

        Map<String, String> fifo = QueueAttributes.effective(meta("q.fifo", Map.of()), MAX_MESSAGE_BYTES);
        assertThat(fifo).containsEntry("FifoQueue", "true").containsEntry("ContentBasedDeduplication", "false")
                .containsEntry("DeduplicationScope", "queue").containsEntry("FifoThroughputLimit", "perQueue");
    }

    @Test
    void integerAttributesFallBackWhenUnsetOrUnreadable() {
        QueueMeta m = meta("q", Map.of("VisibilityTimeout", " 12 ", "DelaySeconds", "x"));
        assertThat(QueueAttributes.intAttr(m, "VisibilityTimeout", 30)).isEqualTo(12);
        assertThat(QueueAttributes.intAttr(m, "DelaySeconds", 7)).isEqualTo(7);
        assertThat(QueueAttributes.intAttr(m, "ReceiveMessageWaitTimeSeconds", 0)).isZero();
    }

    @Test
    void theRedrivePolicyIsReadBack() {
        QueueMeta m = meta("q", Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":\"4\"}"));
        assertThat(QueueAttributes.redrive(m)).isEqualTo(new QueueAttributes.Redrive(DLQ, 4));
        assertThat(QueueAttributes.redrive(meta("q", Map.of()))).isNull();
    }
}
