package io.netforge.model;

import java.util.UUID;

/** Published after a model was deleted through this instance, e.g. for caches to drop it. */
public record ModelDeletedEvent(UUID id) {
}
