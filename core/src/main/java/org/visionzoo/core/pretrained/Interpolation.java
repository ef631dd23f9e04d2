package org.visionzoo.core.pretrained;

import java.util.Locale;

/** The resampling filter of an evaluation resize, as torchvision's {@code InterpolationMode}. */
public enum Interpolation {
    /** Triangle filter (support 1), PIL's {@code BILINEAR}. */
    BILINEAR,
    /** Cubic convolution with {@code a = -0.5} (support 2), PIL's {@code BICUBIC}. */
    BICUBIC;

    /**
     * Returns torchvision's name of the mode ({@code bilinear}, {@code bicubic}).
     *
     * @return the lower-case name
     */
    public String torchvisionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses torchvision's name of a mode.
     *
     * @param name {@code bilinear} or {@code bicubic} (either case)
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Interpolation parse(String name) {
        for (Interpolation i : values()) {
            if (i.torchvisionName().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("expected interpolation bilinear or bicubic, got '" + name + "'");
    }
}
