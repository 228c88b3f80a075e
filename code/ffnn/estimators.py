"""scikit-learn estimators on :class:`ffnn.NeuralNetwork` and :func:`ffnn.train`.

:class:`FFNNClassifier` and :class:`FFNNRegressor` take ``MLPClassifier``'s
parameter names where the idea is the same, so that ``Pipeline``,
``GridSearchCV``, ``cross_val_score`` and ``clone`` work as with any
scikit-learn model; :data:`PARAMETERS` (part of both docstrings) maps each
parameter to the report's notation.  The trained network is ``network_``,
its training costs per epoch ``loss_curve_``, the number of epochs run
``n_iter_``.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from .data import one_hot
from .network import NeuralNetwork
from .optimizers import Adagrad, Adam, GradientDescent, Momentum, RMSprop
from .activations import ACTIVATIONS
from .schedules import NAMES as SCHEDULES
from .schedules import EarlyStopping, InverseScaling
from .training import train

SOLVERS = ("sgd", "adagrad", "rmsprop", "adam")
ALIASES = {"logistic": "sigmoid"}  # MLPClassifier's names of ffnn's activations
HIDDEN_ACTIVATIONS = set(ACTIVATIONS) - {"softmax"}

PARAMETERS = """
    Parameters (in the report's notation)
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
        n_1, ..., n_{L-1}, the hidden layers' widths; the output size n_L
        follows from y.  ``()``: no hidden layer (logistic or linear regression).
    activation : {"relu", "logistic", "tanh", "identity", "sigmoid", "leaky_relu"}
        f_1 = ... = f_{L-1}; ``"logistic"`` (scikit-learn's name) is the sigmoid.
        Weights start as He's for ReLU, Xavier's otherwise, biases at 0.
    solver : {"sgd", "adagrad", "rmsprop", "adam"}, default "adam"
        The gradient method (:mod:`ffnn.optimizers`); ``"sgd"`` with momentum
        μ = ``momentum`` (Nesterov's step with ``nesterovs_momentum``; plain
        θ ← θ - η g for μ = 0); Adam with β₁ = ``beta_1``, β₂ = ``beta_2``;
        ε = ``epsilon`` for Adagrad, RMSprop and Adam.
    alpha : float, default 1e-4
        λ of @eq-penalty: the cost is C + λ Σ‖W^l‖² (``penalty="l2"``) or
        C + λ Σ|W^l| (``penalty="l1"``), C the mean over the batch.
        (``MLPClassifier`` adds α/(2 n_batch) Σ‖W^l‖²: its α is 2 n_batch λ.)
    penalty : {"l2", "l1"}, default "l2"
    batch_size : int or "auto", default "auto"
        The rows of a mini-batch; ``"auto"`` is min(200, n).
    learning_rate_init : float, default 1e-3
        η, the learning rate (η_0 under a schedule).
    learning_rate : {"constant", "invscaling", "step"} or a schedule, default "constant"
        η_t = η_0 · factor(t) in epoch t (:mod:`ffnn.schedules`);
        ``"invscaling"``: η_0 / (t + 1)^``power_t``.
    max_iter : int, default 200
        The number of epochs.  Without early stopping all of them run
        (``MLPClassifier`` also stops when the training loss stalls).
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the training data (stratified for
        the classifier) and stop when its cost has not fallen by ``tol`` for
        ``n_iter_no_change`` epochs, keeping the best epoch's parameters
        (:class:`ffnn.EarlyStopping`); that epoch is ``best_epoch_``.
    random_state : int, RandomState or None
        Draws the initial weights, the shuffling and the validation split.
    verbose : bool
        A progress bar (a widget in Jupyter).
"""


class _FFNN(BaseEstimator):
    """The parameters, the checks and the training both estimators share."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 penalty="l2", batch_size="auto", learning_rate="constant", learning_rate_init=0.001,
                 power_t=0.5, max_iter=200, random_state=None, tol=1e-4, verbose=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.penalty = penalty
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    def _optimizer(self):
        eta = self.learning_rate_init
        if self.solver == "sgd":
            if self.momentum == 0:
                return GradientDescent(eta)
            return Momentum(eta, self.momentum, nesterov=self.nesterovs_momentum)
        if self.solver == "adagrad":
            return Adagrad(eta, eps=self.epsilon)
        if self.solver == "rmsprop":
            return RMSprop(eta, eps=self.epsilon)
        if self.solver == "adam":
            return Adam(eta, self.beta_1, self.beta_2, self.epsilon)
        raise ValueError(f"solver: expected one of {SOLVERS}, got {self.solver!r}")

    def _network(self, n_in, n_out, output, cost, seed):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
        if not all(isinstance(n, int | np.integer) and n >= 1 for n in sizes):
            raise ValueError(f"hidden_layer_sizes: expected positive integers, got {self.hidden_layer_sizes!r}")
        if self.penalty not in ("l2", "l1"):
            raise ValueError(f"penalty: expected 'l2' or 'l1', got {self.penalty!r}")
        act = ALIASES.get(self.activation, self.activation)
        if act not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"activation: expected one of {sorted(HIDDEN_ACTIVATIONS | set(ALIASES))}, "
                             f"got {self.activation!r}")
        init = "he" if act in ("relu", "leaky_relu") else "xavier"
        return NeuralNetwork(n_in, sizes + [n_out], [act] * len(sizes) + [output], cost_fun=cost,
                             initialization=init, seed=seed, **{self.penalty: self.alpha})

    def _rows(self, n):
        if self.batch_size == "auto":
            return min(200, n)
        if not (isinstance(self.batch_size, int | np.integer) and self.batch_size >= 1):
            raise ValueError(f"batch_size: expected a positive integer or 'auto', got {self.batch_size!r}")
        return min(int(self.batch_size), n)

    def _schedule(self):
        if self.learning_rate == "invscaling":
            return InverseScaling(power=self.power_t)
        if isinstance(self.learning_rate, str) and self.learning_rate not in SCHEDULES:
            raise ValueError(f"learning_rate: expected one of {sorted(SCHEDULES)} or a schedule "
                             f"object (ffnn.schedules), got {self.learning_rate!r}")
        return self.learning_rate

    def _check_numbers(self):
        """The numbers refused by their own names, not by those of ffnn's functions."""
        for name in ("max_iter", "n_iter_no_change"):
            value = getattr(self, name)
            if not (isinstance(value, int | np.integer) and value >= 1):
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")
        for name, low in (("learning_rate_init", 0), ("alpha", None), ("tol", None)):
            value = getattr(self, name)
            if not (value > 0 if low == 0 else value >= 0):
                raise ValueError(f"{name}: expected a number {'>' if low == 0 else '>='} 0, got {value!r}")

    def _fit_network(self, X, Y, output, cost, stratify=None):
        """Build ``network_`` for X (n, n_0) and Y (n, n_L) and train it; return self."""
        self._check_numbers()
        rng = check_random_state(self.random_state)
        net_seed, split_seed, shuffle_seed = rng.randint(np.iinfo(np.int32).max, size=3)
        self.network_ = self._network(X.shape[1], Y.shape[1], output, cost, net_seed)
        options = {}
        if self.early_stopping:
            if not 0 < self.validation_fraction < 1:
                raise ValueError("validation_fraction: expected a number in (0, 1), got "
                                 f"{self.validation_fraction!r}")
            X, X_val, Y, Y_val = train_test_split(X, Y, test_size=self.validation_fraction,
                                                  random_state=split_seed, stratify=stratify)
            options = dict(X_val=X_val, Y_val=Y_val,
                           early_stopping=EarlyStopping(self.n_iter_no_change, self.tol))
        history = train(self.network_, X, Y, self._optimizer(), epochs=self.max_iter,
                        batch_size=self._rows(len(X)), seed=shuffle_seed, progress=bool(self.verbose),
                        schedule=self._schedule(), **options)
        self.loss_curve_ = history["cost"]
        self.n_iter_ = len(self.loss_curve_)
        self.best_epoch_ = history.get("best_epoch")
        return self

    def _output(self, X):
        """A^L, the network's output for X, after the usual checks."""
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.predict(X)


class FFNNClassifier(ClassifierMixin, _FFNN):
    """A feed-forward network classifier with ``MLPClassifier``'s interface (:mod:`ffnn.estimators`).

    ``y`` holds labels of any type (ints, strings), ``classes_`` the sorted
    distinct ones.  Two classes: one sigmoid output a^L = P(y = classes_[1])
    and the binary cross-entropy; K > 2: K softmax outputs and the
    cross-entropy (@eq-cross-entropy).  ``predict_proba`` has one column per
    class, ``predict`` the most probable class (classes_[1] when a^L ≥ 0.5),
    ``score`` the accuracy.
    """

    def fit(self, X, y):
        """Train on X of shape (n, n_features) and labels y of shape (n,); return self."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y: expected at least 2 classes, got 1 class ({self.classes_[0]!r})")
        if len(self.classes_) == 2:
            Y, output, cost = index.reshape(-1, 1), "sigmoid", "binary_cross_entropy"
        else:
            Y, output, cost = one_hot(index, len(self.classes_)), "softmax", "cross_entropy"
        return self._fit_network(X, Y, output, cost, stratify=index)

    def predict_proba(self, X):
        """P(class | x), shape (n, n_classes), columns in the order of ``classes_``."""
        A = self._output(X)
        return np.hstack([1.0 - A, A]) if A.shape[1] == 1 else A

    def predict(self, X):
        """The most probable class of each row of X, shape (n,)."""
        A = self._output(X)
        index = (A[:, 0] >= 0.5).astype(np.intp) if A.shape[1] == 1 else np.argmax(A, axis=1)
        return self.classes_[index]


class FFNNRegressor(RegressorMixin, _FFNN):
    """A feed-forward network regressor with ``MLPRegressor``'s interface (:mod:`ffnn.estimators`).

    Identity output and the mean squared error C = (1/N) Σ (a - y)² (@eq-mse;
    ``MLPRegressor`` halves it).  ``y`` of shape (n,) gives predictions of
    shape (n,), as scikit-learn's metrics take them; ``y`` of shape (n, k),
    k outputs and predictions of shape (n, k).  ``score`` is R².
    """

    def fit(self, X, y):
        """Train on X of shape (n, n_features) and targets y of shape (n,) or (n, k); return self."""
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        self._y_ndim = np.ndim(y)
        return self._fit_network(X, np.reshape(y, (len(y), -1)).astype(np.float64), "identity", "mse")

    def predict(self, X):
        """Predictions of shape (n,) for a 1-D training y, else (n, k)."""
        A = self._output(X)
        return A[:, 0] if self._y_ndim == 1 else A

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


FFNNClassifier.__doc__ += PARAMETERS
FFNNRegressor.__doc__ += PARAMETERS
