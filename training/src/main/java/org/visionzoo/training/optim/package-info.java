/**
 * Optimizers with PyTorch's exact update rules ({@link org.visionzoo.training.optim.Sgd}; {@link
 * org.visionzoo.training.optim.AdamW}, which is also Adam with {@code AdamW.adam()}), parameter
 * groups with per-group weight decay, or the optimizer's default as in PyTorch ({@link org.visionzoo.training.optim.ParamGroups}), global-norm
 * gradient clipping ({@link org.visionzoo.training.optim.GradClip}) and per-iteration learning-rate
 * schedules ({@link org.visionzoo.training.optim.Schedules}).
 *
 * <p>The optimizers work directly on DJL {@link ai.djl.nn.Parameter} arrays and their gradients,
 * not through DJL's {@code Optimizer}/{@code ParameterStore}: state is keyed by the parameters'
 * torchvision {@code state_dict} names, updates run in place with grad mode off, and every
 * temporary is closed, so native memory stays flat over any number of steps.
 */
package org.visionzoo.training.optim;
