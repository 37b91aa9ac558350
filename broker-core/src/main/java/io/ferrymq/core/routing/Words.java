package io.ferrymq.core.routing;

import java.util.ArrayList;
import java.util.List;

/** Splits dot-separated names into words without regular expressions (this is on the routing hot path). */
final class Words {

    static final String ONE = "*";
    static final String ANY = "#";

    private Words() {
    }

    static String[] split(String name) {
        if (name.isEmpty()) {
            return new String[] {""};
        }
        int count = 1;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                count++;
            }
        }
        String[] words = new String[count];
        int start = 0;
        int w = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                words[w++] = name.substring(start, i);
                start = i + 1;
            }
        }
        words[w] = name.substring(start);
        return words;
    }

    static List<String> splitToList(String name) {
        return new ArrayList<>(List.of(split(name)));
    }
}
