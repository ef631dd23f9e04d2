/**
 * Training recipes: a {@link org.visionzoo.training.recipe.Recipe} names the optimizer
 * ({@link org.visionzoo.training.recipe.OptimizerName}), learning rate, weight decay, momentum,
 * schedule ({@link org.visionzoo.training.recipe.ScheduleName}) and label smoothing, with the
 * defaults {@code zoo train} uses and named presets ({@code Recipe.cifarResNet()}, {@code
 * Recipe.fineTune()}), and sets them on a {@link org.visionzoo.training.loop.Trainer}'s builder.
 */
package org.visionzoo.training.recipe;
