package io.ferrymq.core.journal;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.NativeForm;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordEncodingTest {

    static Message fullMessage() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("s", "text ünïcode");
        props.put("b", true);
        props.put("y", (byte) -3);
        props.put("h", (short) 300);
        props.put("i", 70_000);
        props.put("l", 1L << 40);
        props.put("f", 1.5f);
        props.put("d", -2.25);
        props.put("c", 'x');
        props.put("bytes", new byte[] {0, 1, 2});
        props.put("nothing", null);
        return Message.builder().id(42).durable(true).priority(7).timestamp(1000).expiration(2000).deliveryTime(1500)
                .messageId("m-1").correlationId("c-1").replyTo("/queue/r").contentType("text/plain")
                .contentEncoding("gzip").userId("alice").subject("type-a").groupId("g").deduplicationId("d-1")
                .address("amq.topic").routingKey("a.b").properties(props)
                .body("payload".getBytes(StandardCharsets.UTF_8))
                .nativeForm(new NativeForm("amqp-1.0", new byte[] {9, 8, 7})).build();
    }

    static List<StorageRecord> everyKind() {
        return List.of(
                new StorageRecord.AddMessage(fullMessage()),
                new StorageRecord.AddReference(3, 42, 1500),
                new StorageRecord.DeleteReference(3, 42),
                new StorageRecord.DeleteMessage(42),
                new StorageRecord.UpdateDeliveryCount(3, 42, 5),
                new StorageRecord.UpdateScheduledTime(3, 42, 9999),
                new StorageRecord.CreateQueue(new QueueDefinition(3, "/", "orders", false,
                        Map.of("x-max-length", 10L, "x-overflow", "drop-head"))),
                new StorageRecord.DeleteQueue(3),
                new StorageRecord.CreateExchange(new ExchangeDefinition("/", "logs", ExchangeType.TOPIC, true, false,
                        Map.of("alternate-exchange", "ae"))),
                new StorageRecord.DeleteExchange("/", "logs"),
                new StorageRecord.CreateBinding(new BindingDefinition("/", "logs", BindingTarget.Kind.QUEUE, "orders",
                        "app.#", Map.of(), FilterSpec.sql("level = 'error'"))),
                new StorageRecord.DeleteBinding(new BindingDefinition("/", "logs", BindingTarget.Kind.EXCHANGE, "other",
                        "", Map.of("x-match", "any"), null)),
                new StorageRecord.PutState("mqtt.session", "client-1", new byte[] {1, 2, 3}),
                new StorageRecord.DeleteState("mqtt.session", "client-1"));
    }

    @Test
    void everyRecordKindSurvivesEncodingUnchanged() {
        for (StorageRecord r : everyKind()) {
            BinaryWriter w = new BinaryWriter(64);
            RecordCodec.write(w, r);
            StorageRecord back = RecordCodec.read(w.toByteArray(), 0);
            if (r instanceof StorageRecord.AddMessage m) {
                Message got = ((StorageRecord.AddMessage) back).message();
                assertThat(got.id()).isEqualTo(42);
                assertThat(got.sameContent(m.message())).isTrue();
                assertThat(got.nativeForm().format()).isEqualTo("amqp-1.0");
                assertThat((byte[]) got.nativeForm().value()).containsExactly(9, 8, 7);
            } else if (r instanceof StorageRecord.PutState p) {
                StorageRecord.PutState q = (StorageRecord.PutState) back;
                assertThat(q.namespace()).isEqualTo(p.namespace());
                assertThat(q.value()).containsExactly(p.value());
            } else {
                assertThat(back).isEqualTo(r);
            }
        }
    }

    @Test
    void shippedEntryDecodesToItsRecordsAndDamageIsDetected() {
        BinaryWriter w = new BinaryWriter(64);
        List<StorageRecord> records = everyKind().subList(1, 6);
        records.forEach(r -> RecordCodec.write(w, r));
        byte[] entry = Entry.frame(77, Entry.KIND_RECORDS, w.array(), w.position());
        assertThat(EntryDecoder.sequence(entry)).isEqualTo(77);
        assertThat(EntryDecoder.records(entry)).containsExactlyElementsOf(records);
        entry[Entry.HEADER + 3] ^= 0x40;
        assertThatThrownBy(() -> EntryDecoder.records(entry)).hasMessageContaining("CRC");
    }

    @Test
    void theWritersBufferFramesEntriesByteForByteAsTheStoredFormat() {
        List<StorageRecord> records = everyKind();
        BinaryWriter heap = new BinaryWriter(64);
        records.forEach(r -> RecordCodec.write(heap, r));
        byte[] expected = Entry.frame(77, Entry.KIND_RECORDS, heap.array(), heap.position());

        // A small buffer that must grow, an entry already placed before it, and one being encoded after it.
        BatchBuffer buffer = new BatchBuffer(32);
        int first = buffer.beginEntry();
        buffer.putRaw(new byte[] {5, 5}, 0, 2);
        int firstSize = buffer.finishEntry(first, 76, Entry.KIND_RECORDS);
        buffer.place();
        int start = buffer.beginEntry();
        records.forEach(r -> RecordCodec.write(buffer, r));
        int size = buffer.finishEntry(start, 77, Entry.KIND_RECORDS);

        assertThat(start).isEqualTo(firstSize);
        byte[] framed = new byte[size];
        buffer.copyTo(start, size, framed, 0);
        assertThat(framed).containsExactly(expected);
        assertThat(EntryDecoder.records(framed)).hasSize(records.size());
    }

    @Test
    void unknownRecordTypeIsMalformed() {
        byte[] bogus = {99, 0, 0, 0, 0};
        assertThatThrownBy(() -> RecordCodec.read(bogus, 0)).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("unknown record type 99");
    }
}
