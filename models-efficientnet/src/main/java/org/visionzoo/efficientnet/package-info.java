/**
 * EfficientNet family (B0-B7, V2).
 *
 * <p>Not implemented yet: this module is a placeholder in the build so that the layout is fixed from
 * the start.
 */
package org.visionzoo.efficientnet;
