"""Checks of what a network is given, with errors that name the argument.

The architecture: positive sizes, one activation (a name or a function) and
one derivative per layer, softmax only at the output.  The data: inputs and targets are real numbers (booleans, integers or floats), cast
once to the network's dtype (float32 or float64), finite, and shaped as
the network expects: never a silent NaN, a discarded imaginary part or a
broadcast into the wrong shape.
"""

import numpy as np

from . import activations


def checked_architecture(network_input_size, layer_output_sizes, activation_funcs, activation_ders):
    """``(n_0, [n_1, ...], [f_1, ...], [f_1', ...])`` with names resolved to functions.

    A ``None`` derivative (the whole list or an entry) is the registered one;
    a softmax output's is None whatever is given (the cost applies its Jacobian).
    """
    for argument, value in (("activation_funcs", activation_funcs), ("activation_ders", activation_ders)):
        if isinstance(value, str) or callable(value):
            raise ValueError(
                f"{argument}: expected one entry per layer, a list, got {value!r}; for "
                f"{np.size(layer_output_sizes)} layers write e.g. [{value!r}] * {np.size(layer_output_sizes)}"
                f" or a list with the output layer's own last")
    if np.ndim(layer_output_sizes) == 0:
        raise ValueError(f"layer_output_sizes: expected a list of sizes, one per layer, got "
                         f"{layer_output_sizes!r}; for one layer write [{layer_output_sizes!r}]")
    sizes = list(layer_output_sizes)
    for argument, value in [("network_input_size", network_input_size),
                            *((f"layer_output_sizes[{i}]", n) for i, n in enumerate(sizes))]:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{argument}: expected a positive integer, got {value!r}")
    if not sizes:
        raise ValueError("layer_output_sizes: expected at least one layer, got []")
    funcs = list(activation_funcs)
    ders = [None] * len(funcs) if activation_ders is None else list(activation_ders)
    if len(funcs) != len(sizes) or len(ders) != len(sizes):
        raise ValueError(
            "activation_funcs and activation_ders: expected one entry per layer "
            f"({len(sizes)} layers in layer_output_sizes), got {len(funcs)} "
            f"activation_funcs and {len(ders)} activation_ders")
    funcs = [activations.checked_activation(f, f"activation_funcs[{i}]") for i, f in enumerate(funcs)]
    for i, f in enumerate(funcs[:-1]):
        if f is activations.softmax:
            raise ValueError(f"activation_funcs[{i}]: softmax is for the output layer only; "
                             "a hidden layer needs an element-wise activation")
    ders = [None if f is activations.softmax
            else activations.checked_derivative(d, f, f"activation_ders[{i}]")
            for i, (f, d) in enumerate(zip(funcs, ders))]
    return int(network_input_size), [int(n) for n in sizes], funcs, ders


def checked_array(array, dtype, argument):
    """``array`` as ``dtype``: real numbers only, all finite."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{argument}: expected real numbers, got an array of dtype {array.dtype}")
    array = array.astype(dtype, copy=False)
    # min and max are NaN when any element is, and ±inf show in them: two passes, no mask
    if array.size and not (np.isfinite(np.min(array)) and np.isfinite(np.max(array))):
        bad = array.size - np.count_nonzero(np.isfinite(array))
        raise ValueError(f"{argument}: expected finite values, found {bad} NaN or infinite")
    return array


def checked_inputs(inputs, n_in, dtype, argument="inputs"):
    """A batch of shape (n, n_in) for ``n_in`` features per sample."""
    X = checked_array(inputs, dtype, argument)
    if X.ndim == 2 and X.shape[0] == 0:
        raise ValueError(f"{argument}: expected at least one sample (row), got an empty array of "
                         f"shape {X.shape}")
    if X.ndim != 2 or X.shape[1] != n_in:
        hint = " (use X.reshape(1, -1) for one sample)" if X.ndim == 1 else ""
        raise ValueError(
            f"{argument}: expected shape (n_samples, {n_in}), got {X.shape}: "
            f"{X.shape[-1] if X.ndim else 0} features where the network has "
            f"network_input_size={n_in}{hint}")
    return X


def checked_targets(targets, n_samples, n_out, dtype, argument="targets"):
    """Targets of shape (n_samples, n_out), one row per input."""
    Y = checked_array(targets, dtype, argument)
    if Y.shape != (n_samples, n_out):
        hint = ""
        if Y.shape == (n_samples,) and n_out == 1:
            hint = f": one column is needed, use {argument}.reshape(-1, 1)"
        elif Y.shape == (n_samples,):
            hint = (f": for integer class labels use ffnn.one_hot({argument}, {n_out}), the one-hot "
                    "rows a softmax output is compared with")
        raise ValueError(f"{argument}: expected shape {(n_samples, n_out)} (n_samples, output size), "
                         f"got {Y.shape}{hint}")
    return Y


def checked_network(network, argument="network"):
    """``network`` itself if it is a network (an instance: it has ``fast_gradient``), else a
    clear TypeError; a class given for an instance gets the call to write.

    Duck typing on purpose: ffnn.network imports this module, so importing
    NeuralNetwork here for an isinstance test would close an import circle."""
    if not isinstance(network, type) and hasattr(network, "fast_gradient"):
        return network
    hint = (f"; create one first, e.g. {network.__name__}(4, [8, 3], ['sigmoid', 'softmax'])"
            if isinstance(network, type) and hasattr(network, "fast_gradient") else "")
    raise TypeError(f"{argument}: expected a NeuralNetwork instance, got {network!r}{hint}")
