/**
 * DenseNet family (DenseNet-121/161/169/201, CIFAR DenseNet-BC).
 *
 * <p>Not implemented yet: this module is a placeholder in the build so that the layout is fixed from
 * the start.
 */
package org.visionzoo.densenet;
