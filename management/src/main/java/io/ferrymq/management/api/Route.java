package io.ferrymq.management.api;

import io.ferrymq.management.http.Reply;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** One entry of the API's route table: a method and a path pattern whose {@code {name}} segments match any one segment. */
record Route(String method, List<String> pattern, Action action) {

    interface Action {
        CompletableFuture<Reply> run(Call call);
    }

    static Route of(String method, String path, Action action) {
        return new Route(method, List.of(path.split("/")), action);
    }

    /** The placeholders' values when the path matches, else null. */
    Map<String, String> match(List<String> segments) {
        if (segments.size() != pattern.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), segments.get(i));
            } else if (!p.equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }
}
