/**
 * VisionZoo examples: the {@code zoo} command-line app ({@link org.visionzoo.examples.zoo.Zoo})
 * and small programs that show the library in use.
 */
package org.visionzoo.examples;
