"""The parameters of a network as one flat vector θ, and its layers as views.

A network with layer sizes n_0, ..., n_L has the parameters
θ = (W^1, b^1, W^2, b^2, ...), each W^l of shape (n_{l-1}, n_l) (the
batch convention, @eq-layer-batch) followed by b^l of shape (n_l,), laid
end to end in one 1-D array: layer l takes ``(n_{l-1} + 1) n_l`` entries.
:func:`unflatten` cuts such a vector into the list of ``(W^l, b^l)`` views
that the exercises' functions take; writing into a view writes into θ.  The
gradient ∂C/∂θ has the same layout, so an optimiser updates θ from ∂C/∂θ
in a few whole-vector operations.
"""

import math

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_dtype(dtype, argument="dtype"):
    """``numpy.dtype(dtype)`` if it is float32 or float64, else a ValueError naming ``argument``."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved not in FLOAT_DTYPES:
        raise ValueError(f"{argument}: expected float32 or float64, got {dtype!r}")
    return resolved


def layer_shapes(network_input_size, layer_output_sizes):
    """``[(n_0, n_1), (n_1,), (n_1, n_2), (n_2,), ...]``: W^1, b^1, W^2, b^2, ..."""
    n_ins = [network_input_size, *layer_output_sizes[:-1]]
    return [shape for n_in, n_out in zip(n_ins, layer_output_sizes)
            for shape in ((n_in, n_out), (n_out,))]


def size(shapes):
    """The number of parameters, the length of θ."""
    return sum(math.prod(shape) for shape in shapes)


def unflatten(vector, shapes):
    """``[(W^1, b^1), ...]``: consecutive views of the 1-D ``vector``, one per shape.

    For M vectors stacked as the rows of an (M, P) array, the views have a
    leading axis M: W^l of shape (M, n_{l-1}, n_l), b^l of shape (M, n_l).
    """
    arrays, start = [], 0
    for shape in shapes:
        n = math.prod(shape)
        arrays.append(vector[..., start : start + n].reshape(vector.shape[:-1] + tuple(shape)))
        start += n
    return list(zip(arrays[::2], arrays[1::2]))


def flatten(layers, shapes, dtype, argument="layers"):
    """θ as a new 1-D array of ``dtype`` from a list of ``(W^l, b^l)`` pairs of ``shapes``."""
    if len(layers) * 2 != len(shapes):
        raise ValueError(f"{argument}: expected {len(shapes) // 2} (W, b) pairs, got {len(layers)}")
    vector = np.empty(size(shapes), dtype)
    for l, (pair, views) in enumerate(zip(layers, unflatten(vector, shapes))):
        if len(pair) != 2:
            raise ValueError(f"{argument}[{l}]: expected a (W, b) pair, got {len(pair)} arrays")
        for j, (array, view) in enumerate(zip(pair, views)):
            if np.shape(array) != view.shape:
                raise ValueError(
                    f"{argument}[{l}][{j}]: expected shape {view.shape}, got {np.shape(array)}"
                )
            view[...] = array
    return vector
