package io.ferrymq.aws;

/** An Amazon Resource Name: {@code arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE}. */
public record Arn(String partition, String service, String region, String account, String resource) {

    /** @return null when the text is not an ARN */
    public static Arn parse(String text) {
        if (text == null || !text.startsWith("arn:")) {
            return null;
        }
        String[] p = text.split(":", 6);
        if (p.length != 6 || p[2].isEmpty() || p[5].isEmpty()) {
            return null;
        }
        return new Arn(p[1], p[2], p[3], p[4], p[5]);
    }

    public static Arn of(String service, String region, String account, String resource) {
        return new Arn("aws", service, region, account, resource);
    }

    @Override
    public String toString() {
        return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
    }
}
