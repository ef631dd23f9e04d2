package org.visionzoo.training.data;

import java.util.random.RandomGenerator;

/** Index permutations: the orders of epochs and of stratified splits. */
final class Permutation {

    private Permutation() {}

    /**
     * The identity permutation of {@code [0, n)}.
     *
     * @param n the length, at least 0
     * @return {@code 0, 1, ..., n - 1}
     */
    static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * A random permutation of {@code [0, n)} by Fisher-Yates, drawing {@code nextInt(i + 1)} for
     * {@code i} from {@code n - 1} down to 1: the same generator state gives the same order.
     *
     * @param n the length, at least 0
     * @param random the source of the swaps
     * @return the permutation
     */
    static int[] shuffled(int n, RandomGenerator random) {
        int[] order = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
