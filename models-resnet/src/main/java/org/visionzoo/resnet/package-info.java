/**
 * The ResNet family: ResNet (He et al., 2016), ResNeXt (Xie et al., 2017) and Wide ResNet
 * (Zagoruyko and Komodakis, 2016) exactly as torchvision builds them (ResNet v1.5, the stride on
 * the 3x3 convolution), and the CIFAR ResNets of He et al. (2016), section 4.2.
 *
 * <pre>{@code
 * ResNet r50 = ResNetVariant.RESNET50.builder().build();
 * ResNet custom = ResNet.builder().layers(3, 4, 6, 3).block(ResNet.BlockType.BOTTLENECK)
 *         .groups(32).widthPerGroup(4).numClasses(10).build();
 * CifarResNet r56 = CifarResNetVariant.RESNET56.builder().build();
 * }</pre>
 */
package org.visionzoo.resnet;
