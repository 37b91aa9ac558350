package io.ferrymq.aws.auth;

import io.ferrymq.core.security.BrokerPrincipal;

/**
 * Who sent a request, in AWS's terms and the broker's.
 *
 * @param accessKeyId the access key the request was signed with, or null
 * @param accountId   the AWS account whose resources the request addresses by default
 * @param region      the region the request was signed for (or the configured one)
 * @param vhost       the virtual host that account maps to
 * @param principal   the broker user the request acts as
 */
public record Caller(String accessKeyId, String accountId, String region, String vhost, BrokerPrincipal principal) {
}
