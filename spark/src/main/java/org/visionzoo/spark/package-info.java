/**
 * Batch image classification on Apache Spark: {@link org.visionzoo.spark.ImageClassifierTransformer}
 * (a Spark ML transformer over image columns, one model per executor JVM, batched inference) and
 * the {@link org.visionzoo.spark.SparkClassify} example/job.
 */
package org.visionzoo.spark;
