"""Saving a network to one ``.npz`` file and loading it back.

The file holds two entries: ``parameters``, the vector θ
(:attr:`ffnn.NeuralNetwork.parameters`), and ``config``, a JSON text with
the arguments that rebuild the architecture (:meth:`ffnn.NeuralNetwork.config`):
sizes, the names of the activations and of the cost, the penalties and the
dtype.  Functions are stored by name, so only the registered ones
(:data:`ffnn.ACTIVATIONS`, :data:`ffnn.COSTS`, with their own derivatives)
can be saved; a network built on functions of the user's raises a
``ValueError`` that names the layer.  Nothing is pickled: loading a file
runs no code from it.
"""

import json
import os

import numpy as np

from . import activations, costs

FORMAT = 1


def _names(network):
    """The configuration with every function replaced by its registered name."""
    config = network.config()
    for i, (f, der) in enumerate(zip(network.activation_funcs, network.activation_ders)):
        record = activations.record_of(f)
        if record is None or (record.der is not None and der is not record.der):
            what, bad = ("activation", f) if record is None else ("derivative", der)
            raise ValueError(
                f"activation_funcs[{i}]: cannot save the {what} {getattr(bad, '__name__', bad)!r}: "
                "only registered activations with their own derivatives are saved, by name "
                f"({sorted(activations.ACTIVATION_RECORDS)})")
    if network.cost_record.name is None:
        raise ValueError(
            f"cost_fun: cannot save {getattr(network.cost_fun, '__name__', network.cost_fun)!r} "
            f"with its derivative: only the registered costs are saved by name ({sorted(costs.COST_RECORDS)})")
    return dict(config, format=FORMAT)


def save(network, path):
    """Write ``network`` to ``path`` (``.npz`` is appended when missing); return the path."""
    config = _names(network)
    path = str(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, parameters=network.parameters, config=np.array(json.dumps(config)))
    return path


def _saved_path(path):
    """``path``, or ``path + ".npz"`` when only that exists (as :func:`save` named it)."""
    path = str(path)
    if not os.path.exists(path) and os.path.exists(path + ".npz"):
        return path + ".npz"
    return path


def load(path, cls):
    """A new ``cls`` with the configuration and the parameters stored in ``path``.

    ``path`` may leave out the ``.npz`` that :func:`save` appended.
    """
    path = _saved_path(path)
    not_network = (f"path: {path} is not a saved network (expected the .npz file of "
                   "NeuralNetwork.save, with the entries 'config' and 'parameters'")
    try:
        data = np.load(path, allow_pickle=False)
    except ValueError:  # numpy's refusal of anything that is neither .npy nor .npz
        raise ValueError(f"{not_network}, got a file numpy cannot read as one)") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"{not_network}, got a single array of shape {data.shape})")
    with data:
        if set(data.files) != {"parameters", "config"}:
            raise ValueError(f"{not_network}, got the entries {sorted(data.files)})")
        config = json.loads(str(data["config"]))
        theta = data["parameters"]
    if config.pop("format", None) != FORMAT:
        raise ValueError(f"path: {path} has an unknown format")
    network = cls(config.pop("network_input_size"), config.pop("layer_output_sizes"),
                  config.pop("activation_funcs"), None, config.pop("cost_fun"), None, **config)
    if theta.shape != network.parameters.shape:
        raise ValueError(f"path: {path} holds {theta.size} parameters, its configuration "
                         f"needs {network.parameters.size}")
    network.parameters[...] = theta
    return network
