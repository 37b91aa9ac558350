package io.ferrymq.core.journal;

/** Type tags of encoded values. Stored on disk: never renumber. */
final class ValueTag {
    static final int NULL = 0;
    static final int STRING = 1;
    static final int BOOLEAN = 2;
    static final int BYTE = 3;
    static final int SHORT = 4;
    static final int INT = 5;
    static final int LONG = 6;
    static final int FLOAT = 7;
    static final int DOUBLE = 8;
    static final int CHAR = 9;
    static final int BYTES = 10;

    private ValueTag() {
    }
}
