package org.visionzoo.training.data;

/** Which part of a dataset distribution to read. */
public enum Split {
    /** The training part (MNIST: 60,000 images; CIFAR: 50,000). */
    TRAIN,
    /** The test part (MNIST and CIFAR: 10,000 images). */
    TEST
}
