package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A delivery stream as stored (in the module's durable state, so that it is journalled and replicated):
 * its identity, status, version, destination configuration as the client gave it and its source.
 *
 * @param kind        {@code ExtendedS3} or {@code HttpEndpoint}
 * @param destination the destination configuration as given (with updates merged in)
 * @param sourceArn   the Kinesis stream read (KinesisStreamAsSource), or null
 * @param owner       the broker user that created it
 */
record DeliveryStreamDefinition(String vhost, String name, String account, String region, String type, String status,
                                int version, long createdMillis, long updatedMillis, String kind,
                                ObjectNode destination, String sourceArn, String sourceRoleArn, String owner,
                                Map<String, String> tags) {

    static final String DIRECT_PUT = "DirectPut";
    static final String KINESIS_SOURCE = "KinesisStreamAsSource";
    private static final ObjectMapper JSON = new ObjectMapper();

    DeliveryStreamDefinition {
        tags = Map.copyOf(tags);
    }

    String arn() {
        return "arn:aws:firehose:" + region + ":" + account + ":deliverystream/" + name;
    }

    /** The core stream holding a DirectPut delivery stream's accepted records until they are delivered. */
    String backingStream() {
        return "firehose:" + name;
    }

    DeliveryStreamDefinition withStatus(String s) {
        return new DeliveryStreamDefinition(vhost, name, account, region, type, s, version, createdMillis,
                updatedMillis, kind, destination, sourceArn, sourceRoleArn, owner, tags);
    }

    DeliveryStreamDefinition withTags(Map<String, String> t) {
        return new DeliveryStreamDefinition(vhost, name, account, region, type, status, version, createdMillis,
                updatedMillis, kind, destination, sourceArn, sourceRoleArn, owner, t);
    }

    DeliveryStreamDefinition withDestination(ObjectNode d, long now) {
        return new DeliveryStreamDefinition(vhost, name, account, region, type, status, version + 1, createdMillis,
                now, kind, d, sourceArn, sourceRoleArn, owner, tags);
    }

    byte[] toBytes() {
        ObjectNode o = JSON.createObjectNode();
        o.put("vhost", vhost).put("name", name).put("account", account).put("region", region).put("type", type)
                .put("status", status).put("version", version).put("created", createdMillis)
                .put("updated", updatedMillis).put("kind", kind).put("sourceArn", sourceArn)
                .put("sourceRoleArn", sourceRoleArn).put("owner", owner);
        o.set("destination", destination);
        ObjectNode t = o.putObject("tags");
        tags.forEach(t::put);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DeliveryStreamDefinition fromBytes(byte[] bytes) {
        try {
            JsonNode o = JSON.readTree(bytes);
            Map<String, String> tags = new LinkedHashMap<>();
            o.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            return new DeliveryStreamDefinition(o.get("vhost").asText(), o.get("name").asText(),
                    o.get("account").asText(), o.get("region").asText(), o.get("type").asText(),
                    o.get("status").asText(), o.get("version").asInt(), o.get("created").asLong(),
                    o.get("updated").asLong(), o.get("kind").asText(), (ObjectNode) o.get("destination"),
                    text(o, "sourceArn"), text(o, "sourceRoleArn"), o.get("owner").asText(), tags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
