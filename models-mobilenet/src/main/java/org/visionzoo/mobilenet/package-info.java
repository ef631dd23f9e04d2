/**
 * The MobileNet family: MobileNet V1 (Howard et al., 2017, arXiv:1704.04861) as in the paper's
 * table 1 with its width and resolution multipliers, and MobileNetV2 (Sandler et al., 2018,
 * arXiv:1801.04381) and MobileNetV3-Large/-Small (Howard et al., 2019, arXiv:1905.02244) exactly as
 * torchvision builds them, so torchvision's weights import as they are. The blocks come from core
 * ({@link org.visionzoo.core.nn.InvertedResidual}, {@link org.visionzoo.core.nn.SqueezeExcitation},
 * {@link org.visionzoo.core.nn.ConvNormActivation}); each stage table is a list of named rows.
 *
 * <pre>{@code
 * MobileNetV1 v1 = MobileNetV1.builder().widthMultiplier(0.5).numClasses(10).build();
 * MobileNetV2 v2 = MobileNetV2.builder().build();
 * MobileNetV3 v3 = MobileNetV3.builder().large().widthMultiplier(1.0).dropout(0.2).build();
 * ImageClassifier byName = Models.create("mobilenet_v3_small", 10);
 * }</pre>
 */
package org.visionzoo.mobilenet;
