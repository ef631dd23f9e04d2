package org.visionzoo.core.nn;

/**
 * The memory order of the forward pass running on the calling thread: whether its activations are
 * channels-last (NHWC strides) or contiguous NCHW.
 *
 * <p>DJL does not expose an array's strides, so a block cannot ask its input for its order. The
 * blocks that choose a formulation by order ({@link Layers#conv}'s pointwise convolutions) read it
 * here instead; {@link org.visionzoo.core.model.ImageClassifier#features} opens the scope around
 * every pass it converts. Either formulation gives the same values for input of any order; the
 * order only decides which one avoids copies and which order the output keeps.
 *
 * <pre>{@code
 * try (PassOrder.Scope scope = PassOrder.channelsLast(true)) {
 *     NDArray y = block.forward(ps, new NDList(Ops.channelsLast(x)), false).singletonOrThrow();
 * }
 * }</pre>
 */
public final class PassOrder {

    private static final ThreadLocal<Boolean> CHANNELS_LAST = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private PassOrder() {}

    /**
     * Whether the pass on the calling thread runs channels-last ({@code false} outside any scope).
     *
     * @return true inside a channels-last scope
     */
    public static boolean isChannelsLast() {
        return CHANNELS_LAST.get();
    }

    /**
     * Declares the order of the pass about to run on the calling thread until the scope closes;
     * scopes nest.
     *
     * @param channelsLast true for channels-last activations, false for contiguous NCHW
     * @return the scope, restoring the previous order on close (on the same thread)
     */
    public static Scope channelsLast(boolean channelsLast) {
        boolean previous = CHANNELS_LAST.get();
        CHANNELS_LAST.set(channelsLast);
        return new Scope(previous);
    }

    /** An open {@link #channelsLast(boolean)} declaration. */
    public static final class Scope implements AutoCloseable {

        private final boolean previous;

        private Scope(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            CHANNELS_LAST.set(previous);
        }
    }
}
