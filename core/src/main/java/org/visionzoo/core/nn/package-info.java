/**
 * Blocks shared by the model families, each with torchvision's module and parameter names so that a
 * parameter's path in the block tree reads like its torchvision {@code state_dict} key.
 *
 * <p>Blocks here release every intermediate array as soon as the next operation has consumed it
 * (see {@link org.visionzoo.core.nn.NamedBlock#release}), which keeps the peak native memory of a
 * pass close to PyTorch eager's instead of holding every activation until the input's manager
 * closes. In training this is safe too: closing a Java handle only drops a reference, and autograd
 * keeps what backward needs.
 */
package org.visionzoo.core.nn;
