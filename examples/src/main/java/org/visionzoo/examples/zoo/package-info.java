/**
 * The {@code zoo} command-line app: list the registered models, print a model's summary, export
 * weights for PyTorch and run a forward pass on a {@code .npy} batch.
 *
 * <p>Exit codes: 0 on success, 2 on a usage error (unknown option or model, bad number, missing
 * parameter), 1 on a failure (unreadable or mismatched files, engine errors). Errors are one line
 * on stderr, {@code zoo: <message>}; {@code --debug} or {@code ZOO_DEBUG=1} adds the stack trace.
 */
package org.visionzoo.examples.zoo;
