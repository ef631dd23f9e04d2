/**
 * ONNX export of VisionZoo's models, built from each model's own blocks, and inference with ONNX
 * Runtime.
 *
 * <p>{@link org.visionzoo.onnx.OnnxExport} writes a model as an ONNX file; {@link
 * org.visionzoo.onnx.OnnxPredictor} runs it in ONNX Runtime. The protobuf classes of the ONNX
 * format ({@code org.visionzoo.onnx.proto.OnnxProto}) are generated at build time from the vendored
 * {@code third_party/onnx/onnx.proto}.
 */
package org.visionzoo.onnx;
