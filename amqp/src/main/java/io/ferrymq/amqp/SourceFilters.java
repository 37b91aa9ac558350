package io.ferrymq.amqp;

import io.ferrymq.core.errors.BrokerException;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The filters of a source terminus that the broker understands (the Apache filter registry used by Qpid
 * JMS, Artemis and ActiveMQ): a JMS selector and no-local. The attach reply echoes only these, which tells
 * the client they are in force.
 */
record SourceFilters(String selector, boolean noLocal, Map<Symbol, Object> accepted) {

    static final Symbol SELECTOR_NAME = Symbol.valueOf("apache.org:selector-filter:string");
    static final UnsignedLong SELECTOR_CODE = UnsignedLong.valueOf(0x0000468C00000004L);
    static final Symbol NO_LOCAL_NAME = Symbol.valueOf("apache.org:no-local-filter:list");
    static final UnsignedLong NO_LOCAL_CODE = UnsignedLong.valueOf(0x0000468C00000003L);

    static final SourceFilters NONE = new SourceFilters(null, false, Map.of());

    /**
     * @throws BrokerException INVALID_ARGUMENT for a selector filter whose value is not a string
     */
    static SourceFilters parse(Map<?, ?> filter) {
        if (filter == null || filter.isEmpty()) {
            return NONE;
        }
        String selector = null;
        boolean noLocal = false;
        Map<Symbol, Object> accepted = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : filter.entrySet()) {
            if (!(e.getValue() instanceof DescribedType d) || !(e.getKey() instanceof Symbol key)) {
                continue;
            }
            Object descriptor = d.getDescriptor();
            if (SELECTOR_NAME.equals(descriptor) || SELECTOR_CODE.equals(descriptor)) {
                if (!(d.getDescribed() instanceof String s)) {
                    throw BrokerException.invalid("the selector filter '" + key + "' must hold a string, not "
                            + d.getDescribed());
                }
                if (!s.isBlank()) {
                    selector = s;
                    accepted.put(key, d);
                }
            } else if (NO_LOCAL_NAME.equals(descriptor) || NO_LOCAL_CODE.equals(descriptor)) {
                noLocal = true;
                accepted.put(key, d);
            }
        }
        return new SourceFilters(selector, noLocal, accepted);
    }
}
