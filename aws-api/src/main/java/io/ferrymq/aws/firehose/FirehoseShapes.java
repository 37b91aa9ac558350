package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Firehose's output shapes (AWS JSON 1.1: timestamps as epoch seconds). */
final class FirehoseShapes {

    private FirehoseShapes() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A DeliveryStreamDescription. */
    static ObjectNode description(DeliveryStreamDefinition d) {
        ObjectNode o = object();
        o.put("DeliveryStreamName", d.name()).put("DeliveryStreamARN", d.arn())
                .put("DeliveryStreamStatus", d.status()).put("DeliveryStreamType", d.type())
                .put("VersionId", Integer.toString(d.version()))
                .put("CreateTimestamp", d.createdMillis() / 1000.0)
                .put("LastUpdateTimestamp", d.updatedMillis() / 1000.0);
        o.putObject("DeliveryStreamEncryptionConfiguration").put("Status", "DISABLED");
        if (d.sourceArn() != null) {
            ObjectNode k = o.putObject("Source").putObject("KinesisStreamSourceDescription");
            k.put("KinesisStreamARN", d.sourceArn()).put("DeliveryStartTimestamp", d.createdMillis() / 1000.0);
            if (d.sourceRoleArn() != null) {
                k.put("RoleARN", d.sourceRoleArn());
            }
        }
        ObjectNode dest = o.putArray("Destinations").addObject();
        dest.put("DestinationId", DeliveryStreams.DESTINATION_ID);
        if (d.kind().equals(Destinations.HTTP)) {
            dest.set("HttpEndpointDestinationDescription", http(d.destination()));
        } else {
            ObjectNode s3 = s3(d.destination());
            s3.put("S3BackupMode", "Disabled");
            dest.set("ExtendedS3DestinationDescription", s3);
            dest.set("S3DestinationDescription", s3(d.destination()));
        }
        o.put("HasMoreDestinations", false);
        return o;
    }

    private static ObjectNode s3(JsonNode config) {
        ObjectNode s = object();
        for (String f : new String[] {"RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "FileExtension"}) {
            if (config.hasNonNull(f)) {
                s.put(f, config.get(f).asText());
            }
        }
        s.set("BufferingHints", hints(config.get("BufferingHints")));
        s.put("CompressionFormat", config.path("CompressionFormat").asText("UNCOMPRESSED"));
        s.putObject("EncryptionConfiguration").put("NoEncryptionConfig", "NoEncryption");
        return s;
    }

    private static ObjectNode hints(JsonNode given) {
        ObjectNode h = object();
        h.put("SizeInMBs", given == null ? 5 : given.path("SizeInMBs").asInt(5));
        h.put("IntervalInSeconds", given == null ? 300 : given.path("IntervalInSeconds").asInt(300));
        return h;
    }

    private static ObjectNode http(JsonNode config) {
        ObjectNode h = object();
        JsonNode endpoint = config.path("EndpointConfiguration");
        ObjectNode e = h.putObject("EndpointConfiguration");
        e.put("Url", endpoint.path("Url").asText());
        if (endpoint.hasNonNull("Name")) {
            e.put("Name", endpoint.get("Name").asText());
        }
        h.set("BufferingHints", hints(config.get("BufferingHints")));
        h.putObject("RetryOptions").put("DurationInSeconds", config.path("RetryOptions").path("DurationInSeconds")
                .asInt(300));
        ObjectNode request = h.putObject("RequestConfiguration");
        request.put("ContentEncoding", config.path("RequestConfiguration").path("ContentEncoding").asText("NONE"));
        JsonNode attrs = config.path("RequestConfiguration").get("CommonAttributes");
        if (attrs != null) {
            request.set("CommonAttributes", attrs.deepCopy());
        }
        if (config.hasNonNull("RoleARN")) {
            h.put("RoleARN", config.get("RoleARN").asText());
        }
        h.put("S3BackupMode", config.path("S3BackupMode").asText("FailedDataOnly"));
        h.set("S3DestinationDescription", s3(config.path("S3Configuration")));
        return h;
    }
}
