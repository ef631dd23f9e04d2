package org.visionzoo.core.io;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks on the names of tensors to be written. */
final class TensorNames {

    private TensorNames() {}

    /**
     * Checks that no two tensors share a name, before a writer touches the disk.
     *
     * @throws IllegalArgumentException naming the first duplicate
     */
    static void requireUnique(List<TensorData> tensors) {
        Set<String> names = new HashSet<>();
        for (TensorData tensor : tensors) {
            if (!names.add(tensor.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + tensor.name() + "'");
            }
        }
    }
}
