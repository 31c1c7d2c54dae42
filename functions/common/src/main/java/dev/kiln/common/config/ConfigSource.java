package dev.kiln.common.config;

/** Where a function gets the deployment's configuration from. */
@FunctionalInterface
public interface ConfigSource {

    KilnConfig current();
}
