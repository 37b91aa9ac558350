package io.ferrymq.aws.firehose;

import io.ferrymq.aws.wire.JsonErrors;

import java.nio.file.Path;
import java.util.Map;

/**
 * An S3-style destination on the local disk: the bucket's directory, the key prefixes and the compression.
 *
 * @param errorPrefix where records that could not be delivered go (failed HTTP endpoint batches); null for
 *                    AWS's default
 */
record S3Target(String bucketArn, Path directory, String prefix, String errorPrefix, String compression,
                String fileExtension, Buffering buffering) {

    /** Reads an (Extended)S3DestinationConfiguration, mapping its bucket to a configured directory. */
    static S3Target from(FirehoseInput c, Map<String, String> buckets, int maxMiB) {
        String arn = c.required("BucketARN");
        String bucket = arn.startsWith("arn:aws:s3:::") ? arn.substring("arn:aws:s3:::".length()) : null;
        if (bucket == null || bucket.isEmpty() || bucket.contains("/")) {
            throw FirehoseErrors.invalidArgument("BucketARN " + arn + " is not an S3 bucket ARN (arn:aws:s3:::bucket)");
        }
        Path dir;
        if (buckets.containsKey(bucket)) {
            dir = Path.of(buckets.get(bucket));
        } else if (buckets.containsKey("*")) {
            dir = Path.of(buckets.get("*")).resolve(bucket);
        } else {
            throw FirehoseErrors.invalidArgument("Bucket " + bucket + " is not mapped to a directory on this broker:"
                    + " list it under aws.firehose-buckets");
        }
        String prefix = orEmpty(c.string("Prefix"));
        String errorPrefix = c.string("ErrorOutputPrefix");
        for (String p : new String[] {prefix, errorPrefix}) {
            if (p != null && (p.contains("!{") || p.contains("..") || p.startsWith("/"))) {
                throw FirehoseErrors.invalidArgument("Prefix '" + p + "' is not supported: prefixes are plain key"
                        + " prefixes here (no !{...} expressions, no '..', no leading '/')");
            }
        }
        String compression = c.string("CompressionFormat");
        compression = compression == null ? "UNCOMPRESSED" : compression;
        if (!compression.equals("UNCOMPRESSED") && !compression.equals("GZIP")) {
            if (compression.equals("ZIP") || compression.equals("Snappy") || compression.equals("HADOOP_SNAPPY")) {
                throw FirehoseErrors.invalidArgument("CompressionFormat " + compression + " is not supported by this"
                        + " broker; use UNCOMPRESSED or GZIP");
            }
            throw JsonErrors.validation("'" + compression + "'", c.wire("CompressionFormat"),
                    "must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]");
        }
        String extension = c.string("FileExtension");
        if (extension != null && !extension.matches("\\.[0-9a-z!\\-_.*'()]{1,127}")) {
            throw FirehoseErrors.invalidArgument("FileExtension " + extension + " must start with '.' and hold only"
                    + " 0-9, a-z and !-_.*'()");
        }
        return new S3Target(arn, dir, prefix, errorPrefix, compression, extension,
                Buffering.from(c.child("BufferingHints"), maxMiB));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The extension of data objects: the configured one, or AWS's for the compression. */
    String extension() {
        if (fileExtension != null) {
            return fileExtension;
        }
        return compression.equals("GZIP") ? ".gz" : "";
    }
}
