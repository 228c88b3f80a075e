"""The Runge regression problem shared by the regression experiments.

One data set for all of them, so that every model sees the same points and
the same split: ``ffnn.runge_data`` with σ = NOISE, N_TRAIN training,
N_VAL validation and N_TEST test points, each part drawn with its own seed.  The network sees x standardised with the
training part's mean and standard deviation; the linear models see the
polynomial features x, ..., x^p, each standardised the same way, plus an
unpenalised intercept.
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, LassoLars, LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

import ffnn

NOISE = 0.1
N_TRAIN, N_VAL, N_TEST = 100, 50, 500
SEEDS = {"train": 1, "val": 2, "test": 3}
DEGREES = list(range(1, 31))


def runge_splits(noise=NOISE, draw=0):
    """``{"train"|"val"|"test": (x, y)}``, x raw, plus the standardised inputs ``"scaled"``.

    ``draw`` 0 is the data set of every study; draw k > 0 draws all three parts
    anew (seeds 3k + 1, 3k + 2, 3k + 3), for repeats over the data.
    """
    parts = {part: ffnn.runge_data(n, noise, SEEDS[part] + 3 * draw)
             for part, n in (("train", N_TRAIN), ("val", N_VAL), ("test", N_TEST))}
    mean, std = parts["train"][0].mean(), parts["train"][0].std()
    parts["scaled"] = {part: ((x - mean) / std, y) for part, (x, y) in list(parts.items())}
    return parts


def regressor(hidden, activation, initialization, seed, *, l2=0.0, l1=0.0, dtype=np.float64):
    """``1 → hidden... (activation) → 1`` identity output, MSE cost."""
    return ffnn.NeuralNetwork(1, list(hidden) + [1], [activation] * len(hidden) + ["identity"],
                              None, "mse", None, initialization, seed, l2=l2, l1=l1, dtype=dtype)


def polynomial(degree, kind="ols", alpha=0.0):
    """Standardised features x..x^degree, then OLS, Ridge(alpha) or Lasso(alpha).

    ``"lasso"`` minimises by coordinate descent, ``"lasso_lars"`` the same cost by
    LARS's exact path, which reaches small α where coordinate descent stalls.
    """
    model = {"ols": lambda: LinearRegression(),
             "ridge": lambda: Ridge(alpha=alpha),
             "lasso": lambda: Lasso(alpha=alpha, max_iter=100_000, tol=1e-8),
             "lasso_lars": lambda: LassoLars(alpha=alpha, max_iter=10_000)}[kind]()
    return make_pipeline(PolynomialFeatures(degree, include_bias=False), StandardScaler(), model)


def features(degree):
    """The linear models' features: x, ..., x^degree, each standardised (fit on training x)."""
    return make_pipeline(PolynomialFeatures(degree, include_bias=False), StandardScaler())


def ridge_path(X, y, alphas):
    """Ridge's minimiser on (X, y) for every α of ``alphas`` (α > 0), from one SVD.

    Returns (W, b): W[k] and b[k] are the coefficients and intercept of
    scikit-learn's ``Ridge(alpha=alphas[k])``, ‖y − Xw − b‖² + α‖w‖², intercept
    unpenalised: w = V diag(s / (s² + α)) Uᵀ (y − ȳ) with X − X̄ = U diag(s) Vᵀ.
    """
    alphas = np.asarray(alphas, dtype=float)
    if not np.all(alphas > 0):
        raise ValueError(f"alphas: expected values > 0 (α = 0 is least squares), got {alphas}")
    x_mean, y_mean = X.mean(axis=0), y.mean()
    U, s, Vt = np.linalg.svd(X - x_mean, full_matrices=False)
    W = (s / (s**2 + alphas[:, None]) * (U.T @ (y - y_mean))) @ Vt
    return W, y_mean - W @ x_mean


def lasso_path(X, y, alphas):
    """Lasso's minimiser on (X, y) for every α of ``alphas``, from one LARS path.

    Returns (W, b) for scikit-learn's cost ‖y − Xw − b‖² / 2n + α‖w‖₁: the
    path is piecewise linear in α between LARS's breakpoints, so each w is
    interpolated between the two breakpoints around its α.
    """
    lars = LassoLars(alpha=min(alphas), max_iter=10_000).fit(X, y)
    knots, path = lars.alphas_[::-1], lars.coef_path_[:, ::-1]  # increasing α
    W = np.array([[np.interp(a, knots, row) for row in path] for a in alphas])
    return W, y.mean() - W @ X.mean(axis=0)


def lasso_validation(x, y, x_val, y_val, degree, alphas):
    """Validation MSE of Lasso on the features of ``degree`` for every α (``lasso_path``)."""
    f = features(degree).fit(x)
    W, b = lasso_path(f.transform(x), y, alphas)
    return np.mean((f.transform(x_val) @ W.T + b - np.reshape(y_val, (-1, 1))) ** 2, axis=0)


def true_mse(predict, x):
    """MSE against the noiseless Runge function f(x)."""
    return float(np.mean((np.ravel(predict) - np.ravel(ffnn.runge(x))) ** 2))


def ols_by_degree(data):
    """OLS for every degree of DEGREES; the degree with the smallest validation MSE.

    Returns the validation MSE per degree and the chosen model's degree,
    train/val/test MSE (test against y and against f) and fit time.
    """
    (x, y), (xv, yv), (xt, yt) = data["train"], data["val"], data["test"]
    val = [float(np.mean((polynomial(p).fit(x, y.ravel()).predict(xv) - yv.ravel()) ** 2))
           for p in DEGREES]
    p = DEGREES[int(np.argmin(val))]
    model, seconds = timed_fit(polynomial(p), x, y.ravel())
    return {"degrees": DEGREES, "val_mse_per_degree": val, "degree": p,
            "chosen_by": "smallest validation MSE over degrees 1-30",
            **linear_scores(model, data), "fit_seconds": seconds}


def linear_scores(model, data):
    """train/val/test MSE of a fitted scikit-learn model (test also against f)."""
    out = {}
    for part in ("train", "val", "test"):
        x, y = data[part]
        out[f"{part}_mse"] = float(np.mean((model.predict(x) - y.ravel()) ** 2))
    out["test_mse_true"] = true_mse(model.predict(data["test"][0]), data["test"][0])
    return out


def timed_fit(model, x, y, repeats=5):
    """Fit ``repeats`` times; return the model and the median CPU time of a fit in seconds."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        model.fit(x, y)
        times.append(time.process_time() - start)
    return model, float(np.median(times))


def lasso_fits(x, y, degree, alphas, tol, max_iter):
    """Lasso for each α: LARS's path, then coordinate descent started from it.

    Returns ``{α: {"coef", "intercept", "objective", "gap", "converged", "model"}}``:
    ``objective`` is scikit-learn's cost ‖y − Xw − b‖² / 2n + α‖w‖₁ on the training
    features, ``gap`` its duality gap divided by it (an upper bound on the relative
    distance to the minimum), ``converged`` whether coordinate descent met ``tol``
    within ``max_iter`` sweeps.
    """
    fits = {}
    for a in alphas:
        start = polynomial(degree, "lasso_lars", a).fit(x, y)[-1].coef_
        model = polynomial(degree, "lasso", a)
        model[-1].set_params(warm_start=True, tol=tol, max_iter=max_iter)
        model[-1].coef_ = start.copy()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(x, y)
        w, r = model[-1].coef_, y - model.predict(x)
        objective = r @ r / (2 * len(y)) + a * np.sum(np.abs(w))
        fits[a] = {"coef": w.copy(), "intercept": float(model[-1].intercept_),
                   "objective": float(objective),
                   "gap": float(duality_gap(model[:-1].transform(x), r, y, w, a) / objective),
                   "converged": not caught, "model": model}
    return fits


def duality_gap(X, r, y, w, alpha):
    """Duality gap of Lasso's cost at w with residual r (centred X, as scikit-learn's)."""
    n = len(y)
    y = y - y.mean()
    scale = min(1.0, n * alpha / np.max(np.abs(X.T @ r)))
    dual = scale * r
    return (r @ r / 2 + n * alpha * np.sum(np.abs(w)) - (dual @ y - dual @ dual / 2)) / n
