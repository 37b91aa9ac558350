package io.ferrymq.management.api;

import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web console and the OpenAPI document: files built into the jar (no build step on the user's side), served
 * by name from a fixed list, so no path can reach anything else on the class path.
 */
final class StaticAssets {

    private static final String BASE = "/io/ferrymq/management/static/";
    private static final Set<String> FILES = Set.of("index.html", "console.js", "console.css", "openapi.json");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "json", "application/json");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    Reply serve(String file) {
        if (!FILES.contains(file)) {
            throw ApiException.notFound("no such page: /" + file);
        }
        byte[] body = cache.computeIfAbsent(file, StaticAssets::load);
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        return new Reply(HttpResponseStatus.OK, type, body);
    }

    private static byte[] load(String file) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException(BASE + file + " is missing from the management jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BASE + file, e);
        }
    }
}
