package io.ferrymq.aws.firehose;

import io.ferrymq.aws.wire.JsonErrors;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP endpoint destination: where batches are POSTed, how long failed ones are retried, and the S3-style
 * target that takes failed batches (and all of them with {@code S3BackupMode: AllData}).
 */
record HttpTarget(URI url, String name, String accessKey, Buffering buffering, long retryMillis,
                  Map<String, String> commonAttributes, boolean gzip, S3Target backup, boolean backupAll) {

    /** Reads an HttpEndpointDestinationConfiguration. */
    static HttpTarget from(FirehoseInput c, Map<String, String> buckets) {
        FirehoseInput endpoint = c.child("EndpointConfiguration");
        if (endpoint == null) {
            throw JsonErrors.missing("httpEndpointDestinationConfiguration.endpointConfiguration");
        }
        String url = endpoint.required("Url");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw FirehoseErrors.invalidArgument("Endpoint Url " + url + " is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw FirehoseErrors.invalidArgument("Endpoint Url " + url + " must be an http(s) URL with a host");
        }
        FirehoseInput retry = c.child("RetryOptions");
        int retrySeconds = retry == null ? 300 : retry.integer("DurationInSeconds", 300, 0, 7200);
        Map<String, String> attributes = new LinkedHashMap<>();
        FirehoseInput request = c.child("RequestConfiguration");
        boolean gzip = false;
        if (request != null) {
            String encoding = request.string("ContentEncoding");
            if (encoding != null && !encoding.equals("NONE") && !encoding.equals("GZIP")) {
                throw JsonErrors.validation("'" + encoding + "'", "requestConfiguration.contentEncoding",
                        "must satisfy enum value set: [NONE, GZIP]");
            }
            gzip = "GZIP".equals(encoding);
            var list = request.node().get("CommonAttributes");
            if (list != null && list.isArray()) {
                for (var a : list) {
                    attributes.put(a.path("AttributeName").asText(), a.path("AttributeValue").asText());
                }
            }
        }
        FirehoseInput s3 = c.child("S3Configuration");
        if (s3 == null) {
            throw JsonErrors.missing("httpEndpointDestinationConfiguration.s3Configuration");
        }
        String mode = c.string("S3BackupMode");
        if (mode != null && !mode.equals("FailedDataOnly") && !mode.equals("AllData")) {
            throw JsonErrors.validation("'" + mode + "'", "httpEndpointDestinationConfiguration.s3BackupMode",
                    "must satisfy enum value set: [FailedDataOnly, AllData]");
        }
        return new HttpTarget(uri, endpoint.string("Name"), endpoint.string("AccessKey"),
                Buffering.from(c.child("BufferingHints"), 64), retrySeconds * 1000L, attributes, gzip,
                S3Target.from(s3, buckets, 128), "AllData".equals(mode));
    }
}
