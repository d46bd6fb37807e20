package io.netforge.model;

/** A fitted model as persisted: its self-describing document and its weight bytes. */
public record StoredModel(ModelDocument document, byte[] weights) {
}
