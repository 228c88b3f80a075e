"""Gradient methods, kept apart from the network.

An optimiser holds its own state (velocities, running averages, the step
count) and acts on the list of ``(W, b)`` pairs from outside:
``layers = optimizer.step(layers, layer_grads)``.  It updates the arrays in
place (no copies on the training hot path) and returns the same list.  With
θ any parameter array, g = ∂C/∂θ its gradient and η the learning rate:

* ``GradientDescent``: θ ← θ - η g
* ``Momentum``:        v ← μ v - η g,  θ ← θ + v
  (``nesterov=True``:  θ ← θ + μ v - η g, the look-ahead form)
* ``Adagrad``:         G ← G + g²,  θ ← θ - η g / (√G + ε)
* ``RMSprop``:         s ← ρ s + (1 - ρ) g²,  θ ← θ - η g / (√s + ε)
* ``Adam``:            m ← β₁ m + (1 - β₁) g,  v ← β₂ v + (1 - β₂) g²,
                       θ ← θ - η m̂ / (√v̂ + ε) with m̂ = m / (1 - β₁ᵗ),
                       v̂ = v / (1 - β₂ᵗ)
"""

import numpy as np

from .fastpath import views


class Optimizer:
    """Base class: flattens the layers into parameters and updates each one.

    A subclass implements ``_update(param, grad, state)`` and, if it keeps
    state, ``_init_state(param)``, a tuple of arrays.  The state of
    parameter k lives in ``self.state[k]`` and is created at the first step
    with the parameter's shape and dtype (set ``state = None`` to start
    afresh).

    ``elementwise = True`` declares that ``_update`` treats every element on
    its own, as all the optimisers here do.  Then, when the parameters are
    consecutive views of one buffer, as :class:`ffnn.NeuralNetwork` lays
    them out, and so are the gradients, all of them are updated in one pass
    over the buffers: the same formula in a few large numpy operations
    instead of a few per array.
    """

    elementwise = False

    def __init__(self, learning_rate):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate: expected a positive number, got {learning_rate}")
        self.learning_rate = learning_rate
        self.state = None
        self.t = 0
        self._whole_state = None  # the state of all parameters in one buffer per variable
        self._shapes = None  # the parameters' shapes, which cut it into self.state
        self._tiling = None  # (params, grads, their buffers or None) of the last step

    def step(self, layers, layer_grads):
        """Update every W^l and b^l in place with its gradient; return ``layers``."""
        if len(layer_grads) != len(layers):
            raise ValueError(
                f"layer_grads: expected {len(layers)} (dW, db) pairs, got {len(layer_grads)}"
            )
        params = [p for layer in layers for p in layer]
        grads = [g for layer in layer_grads for g in layer]
        for k, (p, g) in enumerate(zip(params, grads)):
            if (g.shape if isinstance(g, np.ndarray) else np.shape(g)) != p.shape:
                raise ValueError(
                    f"layer_grads[{k // 2}][{k % 2}]: expected shape {p.shape}, "
                    f"got {np.shape(g)}"
                )
        if self.state is None:
            self._new_state(params)
        self.t += 1
        whole = None if self._whole_state is None else self._buffers(params, grads)
        if whole is not None:
            self._update(*whole, self._whole_state)
        else:
            for p, g, state in zip(params, grads, self.state):
                self._update(p, g, state)
        return layers

    def _new_state(self, params):
        """``self.state``, as views of one buffer per variable when the update allows it."""
        self._whole_state = self._shapes = None
        dtypes = {p.dtype for p in params}
        if not (self.elementwise and len(dtypes) == 1):
            self.state = [self._init_state(p) for p in params]
            return
        self._whole_state = self._init_state(np.empty(sum(p.size for p in params), dtypes.pop()))
        self._shapes = [p.shape for p in params]
        self.state = _cut(self._whole_state, self._shapes)

    def _buffers(self, params, grads):
        """``(parameter buffer, gradient buffer)`` when both lists tile one, else None."""
        cached = self._tiling
        if (cached is None or len(cached[0]) != len(params)
                or not all(a is b for a, b in zip(cached[0], params))
                or not all(a is b for a, b in zip(cached[1], grads))):
            whole_p, whole_g = _tiled(params), _tiled(grads)
            whole = None if whole_p is None or whole_g is None else (whole_p, whole_g)
            cached = self._tiling = (params, grads, whole)
        return cached[2]

    def __getstate__(self):
        """For pickle and copy: the whole state once, no arrays of the last step."""
        data = dict(self.__dict__, _tiling=None)
        if self._whole_state is not None:
            data["state"] = None  # views of _whole_state, cut again on loading
        return data

    def __setstate__(self, data):
        self.__dict__.update(data)
        if self._whole_state is not None:
            self.state = _cut(self._whole_state, self._shapes)

    def _init_state(self, param):
        return ()

    def _update(self, param, grad, state):
        raise NotImplementedError


def _cut(whole, shapes):
    """Per parameter, a tuple of views of each 1-D array in ``whole`` with its shape."""
    cuts = [views(array, shapes) for array in whole]
    return [tuple(cut[k] for cut in cuts) for k in range(len(shapes))]


def _tiled(arrays):
    """The 1-D array of which ``arrays`` are consecutive views, in order, or None."""
    base = getattr(arrays[0], "base", None)
    if not (isinstance(base, np.ndarray) and base.ndim == 1 and base.flags.c_contiguous):
        return None
    address, used = base.__array_interface__["data"][0], 0
    for a in arrays:
        if not (isinstance(a, np.ndarray) and a.base is base and a.dtype == base.dtype
                and a.flags.c_contiguous
                and a.__array_interface__["data"][0] == address + used * base.itemsize):
            return None
        used += a.size
    return base if used == base.size else None


class GradientDescent(Optimizer):
    """Plain (stochastic) gradient descent: θ ← θ - η g."""

    elementwise = True

    def __init__(self, learning_rate=0.01):
        super().__init__(learning_rate)

    def _update(self, param, grad, state):
        param -= float(self.learning_rate) * grad


class Momentum(Optimizer):
    """Heavy-ball momentum: v ← μ v - η g, θ ← θ + v (or Nesterov's look-ahead)."""

    elementwise = True

    def __init__(self, learning_rate=0.01, momentum=0.9, nesterov=False):
        super().__init__(learning_rate)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum: expected a number in [0, 1), got {momentum}")
        self.momentum = momentum
        self.nesterov = nesterov

    def _init_state(self, param):
        return (np.zeros_like(param),)

    def _update(self, param, grad, state):
        (v,) = state
        mu, eta = float(self.momentum), float(self.learning_rate)
        v *= mu
        v -= eta * grad
        if self.nesterov:
            param += mu * v - eta * grad
        else:
            param += v


class Adagrad(Optimizer):
    """Adagrad: G ← G + g², θ ← θ - η g / (√G + ε)."""

    elementwise = True

    def __init__(self, learning_rate=0.01, eps=1e-8):
        super().__init__(learning_rate)
        self.eps = eps

    def _init_state(self, param):
        return (np.zeros_like(param),)

    def _update(self, param, grad, state):
        (G,) = state
        G += grad * grad
        param -= self.learning_rate * grad / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """RMSprop: s ← ρ s + (1 - ρ) g², θ ← θ - η g / (√s + ε), ρ = ``decay``."""

    elementwise = True

    def __init__(self, learning_rate=0.001, decay=0.9, eps=1e-8):
        super().__init__(learning_rate)
        if not 0 <= decay < 1:
            raise ValueError(f"decay: expected a number in [0, 1), got {decay}")
        self.decay = decay
        self.eps = eps

    def _init_state(self, param):
        return (np.zeros_like(param),)

    def _update(self, param, grad, state):
        (s,) = state
        s *= self.decay
        s += (1.0 - self.decay) * grad * grad
        param -= self.learning_rate * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba, 2015)."""

    elementwise = True

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(learning_rate)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name}: expected a number in [0, 1), got {beta}")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def _init_state(self, param):
        return (np.zeros_like(param), np.zeros_like(param))

    def _update(self, param, grad, state):
        m, v = state
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad * grad
        m_hat = m / (1.0 - self.beta1**self.t)
        v_hat = v / (1.0 - self.beta2**self.t)
        param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)
