package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.core.api.Broker;

import java.net.http.HttpClient;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The destinations this broker delivers to: reading their configurations, updating them and making them. */
final class Destinations {

    static final String S3 = "ExtendedS3";
    static final String HTTP = "HttpEndpoint";

    /** The destination configurations AWS knows besides the ones served here. */
    private static final List<String> OTHERS = List.of("RedshiftDestinationConfiguration",
            "ElasticsearchDestinationConfiguration", "AmazonopensearchserviceDestinationConfiguration",
            "SplunkDestinationConfiguration", "AmazonOpenSearchServerlessDestinationConfiguration",
            "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration");

    private Destinations() {
    }

    /** A destination's kind and its configuration as given. */
    record Chosen(String kind, ObjectNode config) {
    }

    /** The one destination configuration of a CreateDeliveryStream request, checked. */
    static Chosen choose(FirehoseInput in, Map<String, String> buckets) {
        int given = 0;
        Chosen chosen = null;
        for (String field : List.of("ExtendedS3DestinationConfiguration", "S3DestinationConfiguration",
                "HttpEndpointDestinationConfiguration")) {
            FirehoseInput c = in.child(field);
            if (c != null) {
                given++;
                String kind = field.startsWith("Http") ? HTTP : S3;
                check(kind, c, buckets);
                chosen = new Chosen(kind, (ObjectNode) c.node().deepCopy());
            }
        }
        for (String other : OTHERS) {
            if (in.has(other)) {
                throw FirehoseErrors.invalidArgument(other.replace("Configuration", "") + " is not supported by this"
                        + " broker: use ExtendedS3DestinationConfiguration (a local directory) or"
                        + " HttpEndpointDestinationConfiguration");
            }
        }
        if (given != 1) {
            throw FirehoseErrors.invalidArgument("Exactly one destination configuration is required, not " + given
                    + ": ExtendedS3DestinationConfiguration, S3DestinationConfiguration or"
                    + " HttpEndpointDestinationConfiguration");
        }
        return chosen;
    }

    private static void check(String kind, FirehoseInput c, Map<String, String> buckets) {
        for (String feature : List.of("ProcessingConfiguration", "DataFormatConversionConfiguration",
                "DynamicPartitioningConfiguration")) {
            FirehoseInput f = c.child(feature);
            if (f != null && f.node().path("Enabled").asBoolean(false)) {
                throw FirehoseErrors.invalidArgument(feature + " is not supported by this broker; leave it disabled");
            }
        }
        if (kind.equals(HTTP)) {
            HttpTarget.from(c, buckets);
        } else {
            S3Target.from(c, buckets, 128);
            String backup = c.string("S3BackupMode");
            if (backup != null && !backup.equals("Disabled")) {
                throw FirehoseErrors.invalidArgument("S3BackupMode " + backup + " is not supported by this broker;"
                        + " use Disabled");
            }
        }
    }

    /** The destination of a delivery stream, ready to take batches. */
    static Destination of(DeliveryStreamDefinition d, Map<String, String> buckets, HttpClient http, Broker broker) {
        FirehoseInput c = new FirehoseInput(d.destination());
        if (d.kind().equals(HTTP)) {
            String source = d.sourceArn() != null ? d.sourceArn() : d.arn();
            return new HttpEndpointDestination(HttpTarget.from(c, buckets), d.name(), source, d.version(), http,
                    broker.newSerialExecutor(), broker.blockingExecutor(), broker.timers(), broker::currentTimeMillis);
        }
        return new S3Destination(S3Target.from(c, buckets, 128), d.name(), d.version(), broker.blockingExecutor());
    }

    /** The configuration after an UpdateDestination: the update's fields merged into the current ones, checked. */
    static ObjectNode update(FirehoseInput in, DeliveryStreamDefinition d, Map<String, String> buckets) {
        String field = null;
        String kind = null;
        int given = 0;
        for (String f : List.of("ExtendedS3DestinationUpdate", "S3DestinationUpdate", "HttpEndpointDestinationUpdate")) {
            if (in.child(f) != null) {
                given++;
                field = f;
                kind = f.startsWith("Http") ? HTTP : S3;
            }
        }
        if (given != 1) {
            throw FirehoseErrors.invalidArgument("UpdateDestination needs exactly one of ExtendedS3DestinationUpdate,"
                    + " S3DestinationUpdate and HttpEndpointDestinationUpdate");
        }
        if (!kind.equals(d.kind())) {
            throw FirehoseErrors.invalidArgument("Changing the destination type (" + d.kind() + " to " + kind
                    + ") is not supported; create a new delivery stream");
        }
        ObjectNode merged = d.destination().deepCopy();
        JsonNode update = in.node().get(field);
        merge(merged, update);
        // The update names the S3 target of an HTTP endpoint "S3Update".
        if (merged.has("S3Update")) {
            JsonNode s3 = merged.remove("S3Update");
            ObjectNode target = merged.has("S3Configuration") ? (ObjectNode) merged.get("S3Configuration")
                    : merged.putObject("S3Configuration");
            merge(target, s3);
        }
        check(kind, new FirehoseInput(merged), buckets);
        return merged;
    }

    private static void merge(ObjectNode into, JsonNode from) {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = into.get(e.getKey());
            if (current instanceof ObjectNode o && e.getValue().isObject()) {
                merge(o, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }
}
