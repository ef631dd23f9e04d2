/**
 * The DenseNet family (Huang et al., 2017, "Densely Connected Convolutional Networks", CVPR,
 * arXiv:1608.06993): DenseNet-121, -161, -169 and -201 exactly as torchvision builds them, and
 * the CIFAR DenseNet-BC of the paper's table 2 (L=100 k=12, L=250 k=24, L=190 k=40).
 *
 * <pre>{@code
 * DenseNet d121 = DenseNetVariant.DENSENET121.builder().build();
 * DenseNet custom = DenseNet.builder().growthRate(32).blockConfig(6, 12, 24, 16).numInitFeatures(64)
 *         .bnSize(4).compression(0.5).dropRate(0.2).numClasses(10).build();
 * DenseNet bc = DenseNetVariant.DENSENET_BC_100_12.builder().build();
 * }</pre>
 */
package org.visionzoo.densenet;
