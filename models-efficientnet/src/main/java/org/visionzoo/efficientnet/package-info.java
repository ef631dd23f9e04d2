/**
 * The EfficientNet family: EfficientNet-B0 to B7 (Tan and Le, 2019, "EfficientNet: Rethinking
 * Model Scaling for Convolutional Neural Networks", ICML, arXiv:1905.11946) and EfficientNetV2-S,
 * -M and -L (Tan and Le, 2021, "EfficientNetV2: Smaller Models and Faster Training", ICML,
 * arXiv:2104.00298), exactly as torchvision builds them, with compound scaling as an API: stage
 * tables of {@link org.visionzoo.efficientnet.MBConvStage} and {@link
 * org.visionzoo.efficientnet.FusedMBConvStage} rows, {@link org.visionzoo.efficientnet.Scaling}
 * coefficients, and one builder that takes any of both.
 *
 * <pre>{@code
 * EfficientNet b0 = EfficientNetVariant.EFFICIENTNET_B0.builder().build();
 * EfficientNet custom = EfficientNet.builder().widthMultiplier(1.1).depthMultiplier(1.2).dropout(0.3)
 *         .stochasticDepth(0.2).numClasses(10).build();
 * EfficientNet v2s = EfficientNetVariant.EFFICIENTNET_V2_S.builder().numClasses(10).build();
 * }</pre>
 */
package org.visionzoo.efficientnet;
