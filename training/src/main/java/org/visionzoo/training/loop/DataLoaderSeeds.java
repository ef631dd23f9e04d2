package org.visionzoo.training.loop;

/** The seed mixing the loop uses for the engine's per-epoch seed. */
final class DataLoaderSeeds {

    private DataLoaderSeeds() {}

    static long mix(long seed, long epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0x7FFFFFFFL;
    }
}
