package io.ferrymq.core.paging;

import io.ferrymq.core.message.Message;

/** A message read back from a page file, and where reading continues after it. */
public record PagedMessage(Message message, PagePosition next) {
}
