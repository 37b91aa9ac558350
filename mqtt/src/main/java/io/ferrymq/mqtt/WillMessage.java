package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;

/** A client's will: published when its connection ends without a clean DISCONNECT, after an optional delay. */
record WillMessage(String topic, Message message, boolean retain, long delaySeconds) {
}
