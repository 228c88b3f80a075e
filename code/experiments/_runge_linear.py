"""OLS, Ridge and Lasso on one draw of the Runge data, as ``runge_draws`` compares them
with the network.

Each model gets (degree, α) chosen on the draw's validation MSE over the same
polynomial degrees ``_regression.DEGREES`` (OLS: degree only): Ridge over
RIDGE_ALPHAS from one SVD per degree (``ridge_path``), Lasso over LASSO_ALPHAS
from one LARS path per degree (``lasso_path``); the relative duality gap of the
chosen Lasso fit is recorded.
"""

import warnings

import numpy as np
from _regression import (DEGREES, duality_gap, features, lasso_path, ridge_path, runge_splits,
                         true_mse)
from scipy.linalg import LinAlgWarning
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression

RIDGE_ALPHAS = list(np.logspace(-8, 2, 11))
LASSO_ALPHAS = list(np.logspace(-6, -1, 11))
LINEAR = ("OLS", "Ridge", "Lasso")


def linear(draw, grid):
    """OLS, Ridge and Lasso, each with (degree, α) chosen on validation over the same degrees:
    per model its choice, validation MSE, test MSE against y and f, and fitted curve at
    x = ``grid``."""
    data = runge_splits(draw=draw)
    (x, y), (xv, yv), (xt, yt) = data["train"], data["val"], data["test"]
    y = y.ravel()

    def ols(X, y, alphas):
        m = LinearRegression().fit(X, y)
        return m.coef_[None], np.array([m.intercept_])

    solvers = {"OLS": (ols, [0.0]), "Ridge": (ridge_path, RIDGE_ALPHAS),
               "Lasso": (lasso_path, LASSO_ALPHAS)}
    fits = {m: [] for m in LINEAR}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        for p in DEGREES:
            f = features(p).fit(x)
            X, Xv = f.transform(x), f.transform(xv)
            for m, (solve, alphas) in solvers.items():
                W, b = solve(X, y, alphas)
                fits[m].append((f, W, b, np.mean((Xv @ W.T + b - yv) ** 2, axis=0)))
    out = {}
    for m, (_, alphas) in solvers.items():
        val = np.array([v for *_, v in fits[m]])  # (degrees, alphas)
        i, j = np.unravel_index(np.argmin(val), val.shape)
        f, W, b, _ = fits[m][i]
        w, b = W[j], b[j]
        out[m] = {"degree": DEGREES[i], "alpha": alphas[j], "alpha_index": int(j),
                  "val_mse": float(val[i, j]),
                  "test_mse": float(np.mean((f.transform(xt) @ w + b - yt.ravel()) ** 2)),
                  "test_mse_true": true_mse(f.transform(xt) @ w + b, xt),
                  "curve": f.transform(grid) @ w + b}
        if m == "Lasso":
            X = f.transform(x)
            resid = y - X @ w - b
            objective = resid @ resid / (2 * len(y)) + alphas[j] * np.sum(np.abs(w))
            out[m]["relative_duality_gap"] = float(
                duality_gap(X, resid, y, w, alphas[j]) / objective)
            out[m]["n_zero"] = int(np.sum(w == 0))
    return out
