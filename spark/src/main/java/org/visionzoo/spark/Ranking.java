package org.visionzoo.spark;

import java.util.Arrays;

/** Class indices by descending probability, ties in index order, as {@code zoo predict} ranks them. */
final class Ranking {

    private Ranking() {}

    static Integer[] descending(float[] p) {
        Integer[] order = new Integer[p.length];
        for (int j = 0; j < p.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
        return order;
    }
}
