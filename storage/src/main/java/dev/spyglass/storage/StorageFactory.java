package dev.spyglass.storage;

/**
 * Marks a factory whose components are {@link StorageProvider}s, so that configuration can check
 * that what {@code extensions.api.storage} names is a store.
 */
public interface StorageFactory {}
