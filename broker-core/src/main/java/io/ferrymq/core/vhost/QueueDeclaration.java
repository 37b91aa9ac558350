package io.ferrymq.core.vhost;

import java.util.Map;

/**
 * A request to create a queue, or to check one exists with these properties (AMQP 0-9-1 semantics).
 *
 * @param name       empty for a server-generated name
 * @param exclusive  owned by the declaring connection and deleted with it
 * @param autoDelete deleted when its last consumer goes
 * @param passive    only check that it exists
 */
public record QueueDeclaration(String name, boolean durable, boolean exclusive, boolean autoDelete,
                               Map<String, Object> arguments, boolean passive) {

    public QueueDeclaration {
        name = name == null ? "" : name;
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    public static QueueDeclaration durable(String name) {
        return new QueueDeclaration(name, true, false, false, Map.of(), false);
    }

    public static QueueDeclaration temporary(String name) {
        return new QueueDeclaration(name, false, true, true, Map.of(), false);
    }

    public static QueueDeclaration passive(String name) {
        return new QueueDeclaration(name, false, false, false, Map.of(), true);
    }

    public QueueDeclaration withArguments(Map<String, Object> args) {
        return new QueueDeclaration(name, durable, exclusive, autoDelete, args, passive);
    }
}
