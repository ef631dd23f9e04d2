package org.visionzoo.core.pretrained;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

/** A second process for {@link PretrainedTest}: fetches one entry and prints the path. */
public final class FetchMain {

    private FetchMain() {}

    /**
     * Runs.
     *
     * @param args catalogue JSON, cache folder, mirror URL, model
     * @throws Exception on failure (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        WeightsCatalogue catalogue = WeightsCatalogue.parse(new StringReader(args[0]), "test catalogue");
        Pretrained p = Pretrained.standard().catalogue(catalogue).cacheDir(Path.of(args[1])).alsoLookIn(List.of())
                .mirror(args[2]).offline(false);
        System.out.println(p.fetch(args[3], null));
    }
}
