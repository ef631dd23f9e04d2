/**
 * Tensor files: safetensors, NumPy {@code .npy} and {@code .npz}, in pure Java (no engine needed).
 *
 * <p>Every file is read as <em>untrusted input</em>: a malformed or hostile file fails with a
 * {@link org.visionzoo.core.io.TensorFormatException} that names the file and the problem, never
 * with an {@link OutOfMemoryError}, a read past the end of the file or a parser's own exception.
 * Pickles are never deserialized.
 *
 * <ul>
 *   <li>{@link org.visionzoo.core.io.TensorData}: one tensor, its {@link
 *       org.visionzoo.core.io.DType} and shape, and its raw little-endian bytes.
 *   <li>{@link org.visionzoo.core.io.SafeTensors}: reads a {@link org.visionzoo.core.io.TensorFile}
 *       whose tensors are memory-mapped one by one, so files of several GB work without heap
 *       copies; writes atomically.
 *   <li>{@link org.visionzoo.core.io.Npy} and {@link org.visionzoo.core.io.Npz}: the NumPy formats
 *       as written by {@code numpy.save}, {@code numpy.savez} and {@code numpy.savez_compressed}.
 * </ul>
 *
 * <p>{@link org.visionzoo.core.io.Download} fetches a file over HTTP(S), on request only, checked
 * against its SHA-256 digest (or the digest prefix torchvision's file names carry), with timeouts,
 * a size limit, redirect limits and one download per file across processes.
 *
 * <p>Writers replace their target atomically: they write a temporary file next to it, force it to
 * disk and rename it over the target, so a failed write leaves an existing file untouched and a
 * file may be overwritten with tensors that are mapped from it.
 */
package org.visionzoo.core.io;
