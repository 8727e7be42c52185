package io.tfssl.nn;

import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One trainable variable of a network: its graph variable (a ref {@code VariableV2}), its name
 * relative to the network scope (used to pair online and target weights in BYOL and MoCo), and its
 * {@link ParamKind}.
 */
public record Param(String name, Variable<TFloat32> variable, ParamKind kind) {}
