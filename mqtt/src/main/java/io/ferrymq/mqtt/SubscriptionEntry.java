package io.ferrymq.mqtt;

/**
 * One topic filter a session subscribed to, with its MQTT options.
 *
 * @param filter            the MQTT filter as the client wrote it (without a {@code $share/GROUP/} prefix)
 * @param shareGroup        the shared subscription group, or null
 * @param qos               the maximum QoS granted
 * @param retainHandling    0: send retained messages at subscribe, 1: only if the subscription is new, 2: never
 * @param subscriptionId    the MQTT 5 subscription identifier, 0 for none
 */
record SubscriptionEntry(String filter, String shareGroup, int qos, boolean noLocal, boolean retainAsPublished,
                         int retainHandling, int subscriptionId) {

    /** The name the client used for it, and the key it is stored under in the session. */
    String name() {
        return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
    }

    String pattern() {
        return TopicMapping.toPattern(filter);
    }
}
