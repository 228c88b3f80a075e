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


class Optimizer:
    """Base class: flattens the layers into parameters and updates each one.

    The state of parameter k lives in ``self.state[k]`` and is created at
    the first step with the parameter's shape and dtype.
    """

    def __init__(self, learning_rate):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate: expected a positive number, got {learning_rate}")
        self.learning_rate = learning_rate
        self.state = None
        self.t = 0

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
            self.state = [self._init_state(p) for p in params]
        self.t += 1
        for p, g, state in zip(params, grads, self.state):
            self._update(p, g, state)
        return layers

    def _init_state(self, param):
        return ()

    def _update(self, param, grad, state):
        raise NotImplementedError


class GradientDescent(Optimizer):
    """Plain (stochastic) gradient descent: θ ← θ - η g."""

    def __init__(self, learning_rate=0.01):
        super().__init__(learning_rate)

    def _update(self, param, grad, state):
        param -= float(self.learning_rate) * grad


class Momentum(Optimizer):
    """Heavy-ball momentum: v ← μ v - η g, θ ← θ + v (or Nesterov's look-ahead)."""

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
