/**
 * Readers for the standard distributions of image datasets, from local files, in pure Java (no
 * engine needed): decoded into Java arrays, to be turned into NDArray batches later.
 *
 * <ul>
 *   <li>{@link org.visionzoo.training.data.Idx}: the IDX format of MNIST and Fashion-MNIST, gzipped
 *       or not.
 *   <li>{@link org.visionzoo.training.data.MnistFamily}: MNIST and Fashion-MNIST from a folder
 *       holding the four standard files.
 *   <li>{@link org.visionzoo.training.data.Cifar}: CIFAR-10 and CIFAR-100, binary version, from the
 *       unpacked folder or straight from the {@code .tar.gz}.
 *   <li>{@link org.visionzoo.training.data.DatasetLocator}: finds a dataset's folder: an explicit
 *       path, Debian's {@code /usr/share/datasets}, then a cache folder.
 *   <li>{@link org.visionzoo.training.data.ImageDataset}: what the readers return, immutable.
 *   <li>{@link org.visionzoo.training.data.ImageFolder}: a folder of image files, one sub-folder
 *       per class, decoded on demand by {@code javax.imageio}; split by {@code train/} and {@code
 *       val/} folders or by a seeded, stratified shuffle.
 *   <li>{@link org.visionzoo.training.data.DatasetDownloads}: fetch the official files over
 *       HTTP(S) with core's {@link org.visionzoo.core.io.Download}, on request only, checked
 *       against their SHA-256 digests, into the layout the readers take;
 *       {@link org.visionzoo.training.data.DownloadProgress} draws the progress bars.
 * </ul>
 *
 * <p>Every file is read as <em>untrusted input</em>: a malformed, truncated or hostile file fails
 * with a {@link org.visionzoo.training.data.DatasetException} that names the file (or archive
 * entry) and says what was expected and what was found, never with an {@link OutOfMemoryError}:
 * sizes are bounded and buffers grow only as data really arrives.
 */
package org.visionzoo.training.data;
