"""ffnn's penalised costs against scikit-learn's: which ``alpha`` (or C) is which λ.

ffnn minimises C(θ) + λ₂ Σ‖W‖² + λ₁ Σ|W| (the report's @eq-penalty), with C the
mean over the n samples (MSE, or cross-entropy).  scikit-learn writes its
costs differently:

* Ridge:  ‖y - Xw‖² + α ‖w‖²  = n [MSE + (α/n) ‖w‖²]        ⇒ α = n λ₂;
* Lasso:  ‖y - Xw‖² / (2n) + α ‖w‖₁ = ½ [MSE + 2α ‖w‖₁]      ⇒ α = λ₁ / 2;
* LogisticRegression (L2, multinomial): ½‖W‖² + C Σ_i CE_i
                                  = C n [CE + ‖W‖² / (2Cn)]  ⇒ C = 1 / (2 n λ₂).

In all three the intercept is not penalised, as ffnn's biases are not.  With
these maps the two minimisers are the same point, which ``stationarity``
checks from outside: a network with no hidden layer carrying scikit-learn's
coefficients must have zero gradient (``net.compute_gradient``, penalty
included); for the Lasso, whose cost has a kink at 0, the zero coefficients
must satisfy |∂C/∂w| ≤ λ₁ instead.
"""

import numpy as np

import ffnn


def ridge_alpha(l2, n):
    return n * l2


def lasso_alpha(l1):
    return l1 / 2


def logreg_C(l2, n):
    return 1.0 / (2 * n * l2)


def linear_network(W, b, *, cost, l2=0.0, l1=0.0):
    """A network with no hidden layer whose W (n_in, n_out) and b are given."""
    W = np.asarray(W, dtype=float).reshape(len(W), -1)
    out = "softmax" if cost == "cross_entropy" else "identity"
    net = ffnn.NeuralNetwork(W.shape[0], [W.shape[1]], [out], None, cost, None, "xavier", 0,
                             l2=l2, l1=l1)
    net.layers[0][0][...] = W
    net.layers[0][1][...] = np.ravel(b)
    return net


def stationarity(W, b, X, Y, *, cost, l2=0.0, l1=0.0):
    """Largest violation of the optimality conditions of ffnn's cost at (W, b).

    The largest |gradient| over the bias and the nonzero weights, and for
    the weights that are exactly 0 the largest amount by which the data
    gradient exceeds λ₁.  Zero (to rounding) at ffnn's minimiser.
    """
    net = linear_network(W, b, cost=cost, l2=l2, l1=l1)
    (dW, db), = net.compute_gradient(X, Y)
    W = net.layers[0][0]
    zero = W == 0
    parts = [np.abs(db), np.abs(dW[~zero]), np.maximum(np.abs(dW[zero]) - l1, 0.0)]
    return float(max(np.max(p, initial=0.0) for p in parts))
