"""Gradient methods, kept apart from the network (@eq-gd-momentum ... @eq-adam).

An optimiser updates parameters in place from their gradient and keeps its
own state (velocities, running averages, the step count ``t``), bound to
the parameters it was first given:

* ``optimizer.update(theta, gradient)``: θ is a 1-D parameter vector, such
  as :attr:`ffnn.NeuralNetwork.parameters` (or the M vectors of networks
  trained in lockstep laid end to end, :mod:`ffnn.lockstep`), and the
  gradient a vector of its size.  The state is bound to that very array.  This is the protocol
  that :func:`ffnn.train` and :meth:`ffnn.NeuralNetwork.update_weights` use
  (:mod:`ffnn.optimizer_protocol`, whose :func:`as_optimizer` wraps, once, an
  object of the user's that has only ``step``).
* ``layers = optimizer.step(layers, layer_grads)``: the exercises' lists of
  ``(W, b)`` pairs.  The state is bound to their shapes and dtypes.

Given anything else later (another network, another size), the optimiser
raises a ``ValueError`` instead of carrying its state over; ``reset()``
starts afresh.  Every update acts element by element, so one formula
serves a whole vector and a single array.  With θ, g = ∂C/∂θ and the
learning rate η:

* ``GradientDescent``: θ ← θ - η g
* ``Momentum``:        v ← μ v - η g,  θ ← θ + v
  (``nesterov=True``:  θ ← θ + μ v - η g, @eq-nesterov)
* ``Adagrad``:         G ← G + g²,  θ ← θ - η g / (√G + ε)
* ``RMSprop``:         s ← ρ s + (1 - ρ) g²,  θ ← θ - η g / (√s + ε)
* ``Adam``:            m ← β₁ m + (1 - β₁) g,  v ← β₂ v + (1 - β₂) g²,
                       θ ← θ - η m̂ / (√v̂ + ε) with m̂ = m / (1 - β₁ᵗ),
                       v̂ = v / (1 - β₂ᵗ)
"""

import numpy as np

from .optimizer_protocol import StepObject, as_optimizer  # noqa: F401 (importable from here too)


def _number(value):
    """A scalar hyperparameter as a Python float (so that float32 stays float32); an array
    (one value per parameter, for networks in lockstep, :mod:`ffnn.lockstep`) as it is.
    A conversion in the update, not a check: the constructors check (:func:`_checked`)."""
    return value if isinstance(value, np.ndarray) else float(value)


def _checked(value, name, expected, holds):
    """``value`` if it is a real number (or an array of them) for which ``holds`` is true
    everywhere, else a ValueError naming the argument ``name``."""
    try:
        array = None if isinstance(value, bool | np.bool_) else np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.size == 0 or not np.all(holds(array)):
        got = value if array is not None else repr(value)
        raise ValueError(f"{name}: expected {expected}, got {got}")
    return value


def _positive(value, name):
    return _checked(value, name, "a positive number", lambda a: (a > 0) & np.isfinite(a))


def _fraction(value, name):
    return _checked(value, name, "a number in [0, 1)", lambda a: (0 <= a) & (a < 1))


class Optimizer:
    """Base class: binds the state to its parameters and applies ``_update``.

    A subclass implements ``_update(param, grad, state)``, element by
    element and in place, and, if it keeps state, ``_init_state(param)``,
    a tuple of arrays shaped as ``param``.
    """

    def __init__(self, learning_rate):
        self.learning_rate = _positive(learning_rate, "learning_rate")
        self.reset()

    def reset(self):
        """Forget the state and the step count: the next update starts afresh."""
        self.t = 0
        self.state = None
        self._bound = None  # the parameter vector, or the layers' (shape, dtype) list

    def update(self, theta, gradient):
        """θ ← update(θ, g) in place for the 1-D parameter vector θ; return θ."""
        if not (isinstance(theta, np.ndarray) and theta.ndim == 1):
            raise ValueError(f"theta: expected a 1-D parameter vector, got {type(theta).__name__} "
                             f"of shape {np.shape(theta)}")
        if np.shape(gradient) != theta.shape:
            raise ValueError(f"gradient: expected shape {theta.shape} (that of theta), "
                             f"got {np.shape(gradient)}")
        if self.state is None:
            self._bound, self.state = theta, self._init_state(theta)
        elif self._bound is not theta:
            raise ValueError(
                f"theta: this {type(self).__name__} holds the state of another parameter vector "
                f"({self._describe()}); call reset() to start afresh on this one")
        self.t += 1
        self._update(theta, gradient, self.state)
        return theta

    def step(self, layers, layer_grads):
        """Update every W and b of ``layers`` in place with its gradient; return ``layers``."""
        if len(layer_grads) != len(layers):
            raise ValueError(f"layer_grads: expected {len(layers)} (dW, db) pairs, got {len(layer_grads)}")
        params = [p for pair in layers for p in pair]
        grads = [g for pair in layer_grads for g in pair]
        for k, (p, g) in enumerate(zip(params, grads)):
            if not isinstance(p, np.ndarray):
                raise ValueError(f"layers[{k // 2}][{k % 2}]: expected a numpy array, got {type(p).__name__}")
            if np.shape(g) != p.shape:
                raise ValueError(f"layer_grads[{k // 2}][{k % 2}]: expected shape {p.shape}, "
                                 f"got {np.shape(g)}")
        signature = [(p.shape, p.dtype) for p in params]
        if self.state is None:
            self._bound, self.state = signature, [self._init_state(p) for p in params]
        elif not (isinstance(self._bound, list) and self._bound == signature):
            raise ValueError(
                f"layers: this {type(self).__name__} holds the state of other parameters "
                f"({self._describe()}); call reset() to start afresh on these")
        self.t += 1
        for p, g, state in zip(params, grads, self.state):
            self._update(p, g, state)
        return layers

    def adopt(self, theta, state, t):
        """Carry on from ``state`` (arrays shaped as θ) after ``t`` steps, bound to θ: how
        each network trained in lockstep (:mod:`ffnn.lockstep`) gets its optimiser's state."""
        self._bound, self.state, self.t = theta, tuple(state), t

    def _describe(self):
        if isinstance(self._bound, np.ndarray):
            return f"a vector of {self._bound.size} {self._bound.dtype} entries"
        return "layers of shapes " + ", ".join(str(shape) for shape, _ in self._bound)

    def _init_state(self, param):
        return ()

    def _update(self, param, grad, state):
        raise NotImplementedError


class GradientDescent(Optimizer):
    """Plain (stochastic) gradient descent: θ ← θ - η g (@eq-gd-momentum)."""

    def __init__(self, learning_rate=0.01):
        super().__init__(learning_rate)

    def _update(self, param, grad, state):
        param -= _number(self.learning_rate) * grad


class Momentum(Optimizer):
    """Heavy-ball momentum, v ← μ v - η g, θ ← θ + v (@eq-gd-momentum), or Nesterov's (@eq-nesterov)."""

    def __init__(self, learning_rate=0.01, momentum=0.9, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = _fraction(momentum, "momentum")
        if not isinstance(nesterov, bool | np.bool_):
            raise ValueError(f"nesterov: expected True or False, got {nesterov!r}")
        self.nesterov = nesterov

    def _init_state(self, param):
        return (np.zeros_like(param),)

    def _update(self, param, grad, state):
        (v,) = state
        mu, eta = _number(self.momentum), _number(self.learning_rate)
        v *= mu
        v -= eta * grad
        if self.nesterov:
            param += mu * v - eta * grad
        else:
            param += v


class Adagrad(Optimizer):
    """Adagrad: G ← G + g², θ ← θ - η g / (√G + ε) (@eq-adagrad)."""

    def __init__(self, learning_rate=0.01, eps=1e-8):
        super().__init__(learning_rate)
        self.eps = _positive(eps, "eps")

    def _init_state(self, param):
        return (np.zeros_like(param),)

    def _update(self, param, grad, state):
        (G,) = state
        G += grad * grad
        param -= self.learning_rate * grad / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """RMSprop: s ← ρ s + (1 - ρ) g², θ ← θ - η g / (√s + ε), ρ = ``decay`` (@eq-rmsprop)."""

    def __init__(self, learning_rate=0.001, decay=0.9, eps=1e-8):
        super().__init__(learning_rate)
        self.decay = _fraction(decay, "decay")
        self.eps = _positive(eps, "eps")

    def _init_state(self, param):
        return (np.zeros_like(param),)

    def _update(self, param, grad, state):
        (s,) = state
        s *= self.decay
        s += (1.0 - self.decay) * grad * grad
        param -= self.learning_rate * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam with bias correction (@eq-adam; Kingma & Ba, 2015)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(learning_rate)
        self.beta1, self.beta2 = _fraction(beta1, "beta1"), _fraction(beta2, "beta2")
        self.eps = _positive(eps, "eps")

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
