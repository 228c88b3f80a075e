"""Calling a student's function by its parameters' names, as students name them.

Students keep the exercises' parameter names (``inputs, layers,
activation_funcs, targets``...) but also use their own (``X``, ``eta``,
``n_epochs``...) and add parameters with defaults.  :func:`bind_call` fills
each parameter from :data:`ALIASES`; a function whose required parameters
have names of its own gets the exercise's order.
"""

import inspect

from ..outcomes import Fail
from .common import call


def uses(func):
    """The global names the student's function refers to (its ``names``), lower-case."""
    return {str(n).lower() for n in (getattr(func, "names", None) or ())}


def signature_of(func):
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def accepts(func, name):
    signature = signature_of(func)
    return signature is not None and (name in signature.parameters or any(
        p.kind is p.VAR_KEYWORD for p in signature.parameters.values()))


ALIASES = {
    "X": ("inputs", "input", "x", "X", "inputs_train", "X_train", "data", "input_data", "x_train"),
    "layers": ("layers", "params", "parameters", "network", "weights"),
    "funcs": ("activation_funcs", "activations", "activation_functions", "funcs", "acts"),
    "ders": ("activation_ders", "activation_derivatives", "ders", "derivatives", "act_ders",
             "activation_funcs_der", "activation_der"),
    "Y": ("targets", "target", "y", "Y", "y_train", "Y_train", "labels", "t"),
    "lr": ("learning_rate", "lr", "eta", "step_size", "eta0", "learningrate"),
    "epochs": ("epochs", "n_epochs", "num_epochs", "epoch", "iterations", "n_iter", "num_iter",
               "n_iterations", "max_iter", "iters", "n_iters"),
    "momentum": ("momentum", "gamma", "beta", "mom", "momentum_rate", "mu", "alpha"),
    "batch_size": ("batch_size", "batchsize", "mini_batch_size", "minibatch_size", "M",
                   "n_batch", "size_batch"),
    "cost_der": ("cost_der", "cost_derivative", "cost_deriv", "loss_der", "cost_function_der",
                 "dcost", "cost_grad"),
    "cost": ("cost_fun", "cost_func", "cost_function", "loss_fun", "loss_func"),
}


def parameter_for(func, key):
    """The name of ``func``'s parameter that :data:`ALIASES` ``[key]`` lists, or None."""
    signature = signature_of(func)
    return next((p for p in signature.parameters if p in ALIASES[key]), None) if signature else None


def has_parameter(func, key):
    return parameter_for(func, key) is not None


def bind_call(label, func, values, order=("X", "layers", "funcs", "Y"), hint=""):
    """Call ``func`` filling its parameters by name (``inputs``, ``layers``...).

    Without a readable signature, or when the required parameters have names
    of the student's own and are exactly as many as ``order``, the arguments
    go in ``order``; otherwise an unknown required parameter fails.
    """
    signature = signature_of(func)
    if signature is None:
        return call(label, func, *(values[k] for k in order), hint=hint)
    args, kwargs, unknown = [], {}, []
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        key = next((k for k, names in ALIASES.items() if p.name in names), None)
        if key is not None and key in values:
            if p.kind is p.POSITIONAL_ONLY:
                args.append(values[key])
            else:
                kwargs[p.name] = values[key]
        elif p.default is p.empty:
            unknown.append(p.name)
    if unknown:
        required = [p for p in signature.parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(required) == len(order):  # names of its own, the exercise's order
            return call(label, func, *(values[k] for k in order), hint=hint)
        raise Fail(f"{label}: the grader cannot fill the parameter {unknown[0]!r}; name the "
                   "parameters as the exercise does (inputs, layers, activation_funcs, "
                   "activation_ders, targets, learning_rate, epochs...)")
    return call(label, func, *args, hint=hint, **kwargs)
