package io.ferrymq.core.journal;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.StorageRecord;

/**
 * Storage records on disk: {@code [type:1][length:4][body:length]}. The length prefix lets the journal copy
 * a record without decoding it (compaction) and skip one it does not know.
 */
final class RecordCodec {

    /** Record types. Stored on disk: never renumber. */
    static final int ADD_MESSAGE = 1;
    static final int ADD_REFERENCE = 2;
    static final int DELETE_REFERENCE = 3;
    static final int DELETE_MESSAGE = 4;
    static final int UPDATE_DELIVERY_COUNT = 5;
    static final int UPDATE_SCHEDULED_TIME = 6;
    static final int CREATE_QUEUE = 7;
    static final int DELETE_QUEUE = 8;
    static final int CREATE_EXCHANGE = 9;
    static final int DELETE_EXCHANGE = 10;
    static final int CREATE_BINDING = 11;
    static final int DELETE_BINDING = 12;
    static final int PUT_STATE = 13;
    static final int DELETE_STATE = 14;

    static final int HEADER = 5;

    private RecordCodec() {
    }

    /** Appends one record; returns the offset where it starts. */
    static int write(RecordOutput w, StorageRecord record) {
        int start = w.position();
        w.putByte(type(record));
        int lengthAt = w.position();
        w.putInt(0);
        if (record instanceof StorageRecord.AddMessage r) {
            MessageCodec.write(w, r.message());
        } else if (record instanceof StorageRecord.AddReference r) {
            w.putLong(r.queueId());
            w.putLong(r.messageId());
            w.putLong(r.deliverAt());
        } else if (record instanceof StorageRecord.DeleteReference r) {
            w.putLong(r.queueId());
            w.putLong(r.messageId());
        } else if (record instanceof StorageRecord.DeleteMessage r) {
            w.putLong(r.messageId());
        } else if (record instanceof StorageRecord.UpdateDeliveryCount r) {
            w.putLong(r.queueId());
            w.putLong(r.messageId());
            w.putInt(r.deliveryCount());
        } else if (record instanceof StorageRecord.UpdateScheduledTime r) {
            w.putLong(r.queueId());
            w.putLong(r.messageId());
            w.putLong(r.deliverAt());
        } else if (record instanceof StorageRecord.CreateQueue r) {
            QueueDefinition q = r.queue();
            w.putLong(q.id());
            w.putString(q.vhost());
            w.putString(q.name());
            w.putBoolean(q.autoDelete());
            w.putMap(q.arguments());
        } else if (record instanceof StorageRecord.DeleteQueue r) {
            w.putLong(r.queueId());
        } else if (record instanceof StorageRecord.CreateExchange r) {
            ExchangeDefinition e = r.exchange();
            w.putString(e.vhost());
            w.putString(e.name());
            w.putString(e.type().wireName());
            w.putBoolean(e.autoDelete());
            w.putBoolean(e.internal());
            w.putMap(e.arguments());
        } else if (record instanceof StorageRecord.DeleteExchange r) {
            w.putString(r.vhost());
            w.putString(r.name());
        } else if (record instanceof StorageRecord.CreateBinding r) {
            writeBinding(w, r.binding());
        } else if (record instanceof StorageRecord.DeleteBinding r) {
            writeBinding(w, r.binding());
        } else if (record instanceof StorageRecord.PutState r) {
            w.putString(r.namespace());
            w.putString(r.key());
            w.putBytes(r.value());
        } else if (record instanceof StorageRecord.DeleteState r) {
            w.putString(r.namespace());
            w.putString(r.key());
        }
        w.putIntAt(lengthAt, w.position() - lengthAt - 4);
        return start;
    }

    static int type(StorageRecord r) {
        if (r instanceof StorageRecord.AddMessage) {
            return ADD_MESSAGE;
        } else if (r instanceof StorageRecord.AddReference) {
            return ADD_REFERENCE;
        } else if (r instanceof StorageRecord.DeleteReference) {
            return DELETE_REFERENCE;
        } else if (r instanceof StorageRecord.DeleteMessage) {
            return DELETE_MESSAGE;
        } else if (r instanceof StorageRecord.UpdateDeliveryCount) {
            return UPDATE_DELIVERY_COUNT;
        } else if (r instanceof StorageRecord.UpdateScheduledTime) {
            return UPDATE_SCHEDULED_TIME;
        } else if (r instanceof StorageRecord.CreateQueue) {
            return CREATE_QUEUE;
        } else if (r instanceof StorageRecord.DeleteQueue) {
            return DELETE_QUEUE;
        } else if (r instanceof StorageRecord.CreateExchange) {
            return CREATE_EXCHANGE;
        } else if (r instanceof StorageRecord.DeleteExchange) {
            return DELETE_EXCHANGE;
        } else if (r instanceof StorageRecord.CreateBinding) {
            return CREATE_BINDING;
        } else if (r instanceof StorageRecord.DeleteBinding) {
            return DELETE_BINDING;
        } else if (r instanceof StorageRecord.PutState) {
            return PUT_STATE;
        }
        return DELETE_STATE;
    }

    private static void writeBinding(RecordOutput w, BindingDefinition b) {
        w.putString(b.vhost());
        w.putString(b.exchange());
        w.putByte(b.targetKind().ordinal());
        w.putString(b.target());
        w.putString(b.key());
        w.putMap(b.arguments());
        w.putString(b.filter() == null ? null : b.filter().language());
        w.putString(b.filter() == null ? null : b.filter().expression());
    }

    /** Decodes the record whose header starts at {@code off}. */
    static StorageRecord read(byte[] buf, int off) {
        int type = buf[off];
        int len = length(buf, off);
        BinaryReader r = new BinaryReader(buf, off + HEADER, len);
        StorageRecord out = switch (type) {
            case ADD_MESSAGE -> new StorageRecord.AddMessage(MessageCodec.read(r));
            case ADD_REFERENCE -> new StorageRecord.AddReference(r.getLong(), r.getLong(), r.getLong());
            case DELETE_REFERENCE -> new StorageRecord.DeleteReference(r.getLong(), r.getLong());
            case DELETE_MESSAGE -> new StorageRecord.DeleteMessage(r.getLong());
            case UPDATE_DELIVERY_COUNT -> new StorageRecord.UpdateDeliveryCount(r.getLong(), r.getLong(), r.getInt());
            case UPDATE_SCHEDULED_TIME -> new StorageRecord.UpdateScheduledTime(r.getLong(), r.getLong(), r.getLong());
            case CREATE_QUEUE -> new StorageRecord.CreateQueue(new QueueDefinition(r.getLong(), r.getString(),
                    r.getString(), r.getBoolean(), r.getMap()));
            case DELETE_QUEUE -> new StorageRecord.DeleteQueue(r.getLong());
            case CREATE_EXCHANGE -> new StorageRecord.CreateExchange(new ExchangeDefinition(r.getString(),
                    r.getString(), ExchangeType.parse(r.getString()), r.getBoolean(), r.getBoolean(), r.getMap()));
            case DELETE_EXCHANGE -> new StorageRecord.DeleteExchange(r.getString(), r.getString());
            case CREATE_BINDING -> new StorageRecord.CreateBinding(readBinding(r));
            case DELETE_BINDING -> new StorageRecord.DeleteBinding(readBinding(r));
            case PUT_STATE -> new StorageRecord.PutState(r.getString(), r.getString(), r.getBytes());
            case DELETE_STATE -> new StorageRecord.DeleteState(r.getString(), r.getString());
            default -> throw new MalformedRecordException("unknown record type " + type);
        };
        if (r.position() != off + HEADER + len) {
            throw new MalformedRecordException("record of type " + type + " has " + (off + HEADER + len - r.position())
                    + " unread bytes");
        }
        return out;
    }

    /**
     * How many whole records {@code len} bytes from {@code off} hold, checking that they are exactly whole
     * records of known types (what a copied entry is checked with, instead of decoding it).
     *
     * @throws IllegalArgumentException when they are not
     */
    static int count(byte[] buf, int off, int len) {
        int n = 0;
        int end = off + len;
        for (int at = off; at < end; n++) {
            int type = buf[at];
            int size = at + HEADER <= end ? HEADER + length(buf, at) : -1;
            if (size < HEADER || size > end - at || type < ADD_MESSAGE || type > DELETE_STATE
                    || type == ADD_MESSAGE && size < HEADER + MessageCodec.ID_END) {
                throw new IllegalArgumentException("journal entry holds a damaged or unknown record (type " + type
                        + ") at offset " + (at - off));
            }
            at += size;
        }
        return n;
    }

    static boolean isAddMessage(byte[] buf, int off) {
        return buf[off] == ADD_MESSAGE;
    }

    /** The message id of the {@link #ADD_MESSAGE} record at {@code off}, without decoding the message. */
    static long messageId(byte[] buf, int off) {
        return MessageCodec.id(buf, off + HEADER);
    }

    static int length(byte[] buf, int off) {
        return ((buf[off + 1] & 0xff) << 24) | ((buf[off + 2] & 0xff) << 16) | ((buf[off + 3] & 0xff) << 8)
                | (buf[off + 4] & 0xff);
    }

    private static BindingDefinition readBinding(BinaryReader r) {
        String vhost = r.getString();
        String exchange = r.getString();
        int kind = r.getByte();
        if (kind < 0 || kind >= BindingTarget.Kind.values().length) {
            throw new MalformedRecordException("unknown binding target kind " + kind);
        }
        String target = r.getString();
        String key = r.getString();
        var args = r.getMap();
        String language = r.getString();
        String expression = r.getString();
        return new BindingDefinition(vhost, exchange, BindingTarget.Kind.values()[kind], target, key, args,
                language == null ? null : new FilterSpec(language, expression));
    }
}
