package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ferrymq user list|add|passwd|delete}: applied at once, no restart. */
@Command(name = "user", aliases = "users", mixinStandardHelpOptions = true,
        description = "The broker's users (applied at once, no restart).",
        subcommands = {UserCommand.ListUsers.class, UserCommand.Add.class, UserCommand.Passwd.class,
                UserCommand.Delete.class})
public final class UserCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String path(String name) {
        return "/api/users/" + ManagementApi.seg(name);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users and their roles.")
    static final class ListUsers extends ApiCommand {
        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode users = api.get("/api/users");
            if (json()) {
                Table.json(out, users);
            } else {
                Table.print(out, users, "name", "tags");
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a user, with full permissions in the virtual host unless --no-permissions.")
    static final class Add extends ApiCommand {
        @Parameters(index = "0", description = "The new user's name.")
        String name;

        @Parameters(index = "1", description = "Its password.")
        String newPassword;

        @Option(names = "--roles", split = ",", description = "administrator, monitoring and/or management.")
        List<String> roles = List.of();

        @Option(names = "--no-permissions", description = "Give it no permission in the virtual host.")
        boolean noPermissions;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("password", newPassword);
            body.put("tags", roles);
            api.send("PUT", path(name), body);
            if (!noPermissions) {
                api.send("PUT", "/api/permissions/" + api.vhost() + "/" + ManagementApi.seg(name),
                        Map.of("configure", ".*", "write", ".*", "read", ".*"));
            }
            out.println("user " + name + " added");
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Changes a user's password.")
    static final class Passwd extends ApiCommand {
        @Parameters(index = "0", description = "The user's name.")
        String name;

        @Parameters(index = "1", description = "The new password.")
        String newPassword;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode user = api.get(path(name));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("password", newPassword);
            body.put("tags", user.path("tags"));
            api.send("PUT", path(name), body);
            out.println("password of " + name + " changed");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a user.")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", description = "The user's name.")
        String name;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            api.send("DELETE", path(name), null);
            out.println("user " + name + " deleted");
        }
    }
}
