package io.ferrymq.core.stream;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A stream's definition on disk: {@code stream.properties} in its directory, replaced atomically (written
 * beside, forced, renamed) so that a crash leaves either the old definition or the new one.
 */
final class StreamDefinitionFile {

    static final String NAME = "stream.properties";

    private StreamDefinitionFile() {
    }

    static void write(Path dir, StreamInfo s, boolean fsync) throws IOException {
        Properties p = new Properties();
        p.setProperty("vhost", s.vhost());
        p.setProperty("name", s.name());
        p.setProperty("mode", s.mode().name());
        p.setProperty("retention-millis", Long.toString(s.retentionMillis()));
        p.setProperty("retention-bytes", Long.toString(s.retentionBytes()));
        p.setProperty("created", Long.toString(s.createdMillis()));
        p.setProperty("next-shard", Integer.toString(s.nextShard()));
        for (ShardInfo sh : s.shards()) {
            String k = "shard." + sh.index() + ".";
            p.setProperty(k + "hash-start", sh.hashStart().toString());
            p.setProperty(k + "hash-end", sh.hashEnd().toString());
            p.setProperty(k + "parent", Integer.toString(sh.parent()));
            p.setProperty(k + "adjacent-parent", Integer.toString(sh.adjacentParent()));
            p.setProperty(k + "end-offset", Long.toString(sh.endOffset()));
        }
        s.tags().forEach((k, v) -> p.setProperty("tag." + k, v));
        StringWriter text = new StringWriter();
        p.store(text, null);
        Path tmp = dir.resolve(NAME + ".new");
        Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
        if (fsync) {
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
        }
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            forceDirectory(dir);
        }
    }

    static StreamInfo read(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(NAME), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<Integer, ShardInfo> shards = new TreeMap<>();
        Map<String, String> tags = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("tag.")) {
                tags.put(key.substring(4), p.getProperty(key));
            } else if (key.startsWith("shard.") && key.endsWith(".hash-start")) {
                int index = Integer.parseInt(key.substring(6, key.length() - ".hash-start".length()));
                String k = "shard." + index + ".";
                shards.put(index, new ShardInfo(index, new BigInteger(p.getProperty(k + "hash-start")),
                        new BigInteger(p.getProperty(k + "hash-end")), Integer.parseInt(p.getProperty(k + "parent")),
                        Integer.parseInt(p.getProperty(k + "adjacent-parent")),
                        Long.parseLong(p.getProperty(k + "end-offset"))));
            }
        }
        List<ShardInfo> list = new ArrayList<>(shards.values());
        return new StreamInfo(p.getProperty("vhost"), p.getProperty("name"), StreamStatus.ACTIVE,
                StreamMode.valueOf(p.getProperty("mode")), Long.parseLong(p.getProperty("retention-millis")),
                Long.parseLong(p.getProperty("retention-bytes")), Long.parseLong(p.getProperty("created")), list, tags,
                Integer.parseInt(p.getProperty("next-shard")));
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // Some file systems cannot force a directory; the rename is still atomic there.
        }
    }
}
