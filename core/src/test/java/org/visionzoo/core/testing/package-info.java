/**
 * Test support shared by every model module through core's test-jar: torchvision parity.
 *
 * <ul>
 *   <li>{@link org.visionzoo.core.testing.TorchReference} runs the bundled {@code torchref.py}
 *       (Debian's {@code python3-torchvision}) to make reference fixtures (random weights as
 *       safetensors, an input and torchvision's logits as .npy) and to check weights exported
 *       from Java against torchvision.
 *   <li>{@link org.visionzoo.core.testing.Tolerance} compares float arrays elementwise as
 *       {@code |actual - expected| <= atol + rtol * |expected|}, like {@code numpy.allclose}.
 * </ul>
 *
 * <p>The parity tests never skip: when the interpreter or torch is missing they fail, saying
 * what to install.
 */
package org.visionzoo.core.testing;
