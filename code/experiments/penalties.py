"""Project 2, part e: L2 and L1 penalties on the Runge problem, against Ridge and Lasso.

Data: ``_regression.runge_splits`` (σ = 0.1, 100 / 50 / 500 points).
1. The network 1 → 50 sigmoid → 1 (Xavier, Adam, mini-batches of BATCH_SIZE,
   early-stopped on the validation MSE), with an L2 or an L1 penalty: every
   learning rate of LEARNING_RATES × every λ of LAMBDAS, from SEEDS seeds.
   (η, λ) is chosen by the mean validation MSE.
2. Ridge on the standardised polynomial features, (degree, α) chosen by the
   validation MSE over DEGREES × RIDGE_ALPHAS; Lasso by LARS (exact: no
   iteration limit to reach), (degree, α) chosen over DEGREES × LASSO_ALPHAS (one
   LARS path per degree, ``_regression.lasso_path``).
3. Like for like: for every λ of LAMBDAS, Ridge with α = n λ and Lasso with
   α = λ / 2 (``_equivalence``: the maps that make scikit-learn's costs
   ffnn's), at their chosen degrees.
4. The maps checked: a network with no hidden layer carrying Ridge's or
   Lasso's coefficients is at a minimum of ffnn's own penalised cost.
All on one draw of the data (draw 0); runge_draws.py repeats 1 and the
comparison with Ridge and Lasso over draws.
Writes results/penalties.json.
"""

import time
import warnings

import numpy as np
from _common import run_parallel, save_json
from _equivalence import lasso_alpha, ridge_alpha, stationarity
from _fit import fit, mse, over_seeds
from _regression import (DEGREES, N_TEST, N_TRAIN, N_VAL, NOISE, duality_gap, lasso_fits,
                         lasso_validation, linear_scores, polynomial, regressor, runge_splits,
                         timed_fit, true_mse)
from scipy.linalg import LinAlgWarning
from sklearn.exceptions import ConvergenceWarning

import ffnn

HIDDEN = [50]
SEEDS = 10
BATCH_SIZE = 20
MAX_EPOCHS, CHECK_EVERY, PATIENCE = 500, 10, 60
LEARNING_RATES = [1e-2, 1e-1, 1.0]
# the λ of runge_draws' penalised networks (_runge_penalised.LAMBDAS), and 10⁻² beyond them
LAMBDAS = [0.0, 1e-5, 1e-4, 1e-3, 1e-2]
PENALTIES = ["l2", "l1"]
RIDGE_ALPHAS = [0.0] + list(np.logspace(-8, 2, 11))
LASSO_DEGREE = 15  # the like-for-like comparison's degree (OLS's choice)
LASSO_ALPHAS = list(np.logspace(-6, -1, 11))
LASSO_TOL, LASSO_MAX_ITER = 1e-6, 200_000
CHECK_LAMBDA, CHECK_LASSO_DEGREE = 1e-3, 10


def run(penalty, lam, lr, seed):
    d = runge_splits()["scaled"]
    (x, y), (xv, yv), (xt, yt) = d["train"], d["val"], d["test"]
    net = regressor(HIDDEN, "sigmoid", "xavier", seed, **{penalty: lam})
    h = fit(net, x, y, xv, yv, ffnn.Adam(lr), max_epochs=MAX_EPOCHS, batch_size=BATCH_SIZE,
            seed=seed, check_every=CHECK_EVERY, patience=PATIENCE)
    pt = net.predict(xt)
    W = np.concatenate([W.ravel() for W, _ in net.layers])
    return {"train_mse": mse(net.predict(x), y), "val_mse": mse(net.predict(xv), yv),
            "test_mse": mse(pt, yt), "test_mse_true": true_mse(pt, runge_splits()["test"][0]),
            "weight_norm2": float(np.sum(W**2)), "small_weights": float(np.mean(np.abs(W) < 1e-3)),
            "best_epoch": h["best_epoch"], "seconds": h["seconds"]}


def linear_models(data):
    """Ridge and Lasso as described in the module docstring, and the map check.

    Ridge with α = 0 at high degrees solves an ill-conditioned system (OLS);
    Lasso's own choice is fitted by LARS, whose relative duality gap is recorded;
    the like-for-like Lasso fits at degree 15 (LARS, then coordinate descent)
    record ``converged`` and ``gap``.  Their warnings are not printed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _linear_models(data)


def _linear_models(data):
    (x, y), (xv, yv) = data["train"], data["val"]
    n = len(x)
    ridge_val = np.array([[float(np.mean((polynomial(p, "ridge", a).fit(x, y.ravel()).predict(xv)
                                          - yv.ravel()) ** 2)) for a in RIDGE_ALPHAS]
                          for p in DEGREES])
    i, j = np.unravel_index(np.argmin(ridge_val), ridge_val.shape)
    p_ridge, a_ridge = DEGREES[i], RIDGE_ALPHAS[j]
    ridge, ridge_s = timed_fit(polynomial(p_ridge, "ridge", a_ridge), x, y.ravel())
    # Lasso's own choice: LARS (exact, no iteration limit) over degree × α, Ridge's degrees
    lasso_val = np.array([lasso_validation(x, y.ravel(), xv, yv.ravel(), p, LASSO_ALPHAS)
                          for p in DEGREES])
    i, j = np.unravel_index(np.argmin(lasso_val), lasso_val.shape)
    p_lasso, a_lasso = DEGREES[i], LASSO_ALPHAS[j]
    lasso, lasso_s = timed_fit(polynomial(p_lasso, "lasso_lars", a_lasso), x, y.ravel(),
                               repeats=3)
    w, res = lasso[-1].coef_, y.ravel() - lasso.predict(x)
    lasso_gap = float(duality_gap(lasso[:-1].transform(x), res, y.ravel(), w, a_lasso)
                      / (res @ res / (2 * n) + a_lasso * np.sum(np.abs(w))))

    # like for like: the network's λ grid mapped to scikit-learn's α
    lams = [lam for lam in LAMBDAS if lam > 0]
    ridge_at = [linear_scores(polynomial(p_ridge, "ridge", ridge_alpha(lam, n)).fit(x, y.ravel()),
                              data) for lam in lams]
    lasso_at_fits = lasso_fits(x, y.ravel(), LASSO_DEGREE, [lasso_alpha(lam) for lam in lams],
                               LASSO_TOL, LASSO_MAX_ITER)
    lasso_at = [linear_scores(lasso_at_fits[lasso_alpha(lam)]["model"], data) for lam in lams]

    # the maps checked on ffnn's own cost at λ = CHECK_LAMBDA: Ridge at its chosen degree,
    # Lasso converged far beyond LASSO_TOL at CHECK_LASSO_DEGREE (the check needs the exact
    # minimiser, which coordinate descent reaches slowly for small α)
    lam = CHECK_LAMBDA
    r = polynomial(p_ridge, "ridge", ridge_alpha(lam, n)).fit(x, y.ravel())
    naive = polynomial(p_ridge, "ridge", lam).fit(x, y.ravel())[-1]
    las = polynomial(CHECK_LASSO_DEGREE, "lasso", lasso_alpha(lam))
    las[-1].set_params(tol=1e-14, max_iter=10_000_000)
    las.fit(x, y.ravel())
    Xr, Xl = r[:-1].transform(x), las[:-1].transform(x)
    c, b = las[-1].coef_, las[-1].intercept_
    check = {
        "lambda": lam, "ridge_degree": p_ridge, "lasso_degree": CHECK_LASSO_DEGREE,
        "lasso_n_zero": int(np.sum(c == 0)),
        "ridge_alpha_n_lambda": stationarity(r[-1].coef_, r[-1].intercept_, Xr, y, cost="mse",
                                             l2=lam),
        "ridge_alpha_lambda": stationarity(naive.coef_, naive.intercept_, Xr, y, cost="mse",
                                           l2=lam),
        "lasso_alpha_half_lambda": stationarity(c, b, Xl, y, cost="mse", l1=lam),
        # the solution for α = λ/2, taken for ffnn's λ/2 as α = λ would have it
        "lasso_alpha_lambda": stationarity(c, b, Xl, y, cost="mse", l1=lam / 2),
        "meaning": ("largest violation of the optimality conditions of ffnn's penalised cost "
                    "at scikit-learn's solution: ~0 with the right map, clearly not with α = λ"),
    }
    return {
        "ridge": {"degree": p_ridge, "alpha": a_ridge, "lambda_equivalent": a_ridge / n,
                  "degrees": DEGREES, "alphas": RIDGE_ALPHAS, "val_mse": ridge_val,
                  "chosen_by": "smallest validation MSE over degrees × alphas",
                  **linear_scores(ridge, data), "fit_seconds": ridge_s},
        "lasso": {"degree": p_lasso, "alpha": a_lasso, "lambda_equivalent": 2 * a_lasso,
                  "degrees": DEGREES, "alphas": LASSO_ALPHAS, "val_mse": lasso_val,
                  "alpha_index": int(j), "degree_index": int(i),
                  "relative_duality_gap": lasso_gap, "solver": "LARS (LassoLars)",
                  "n_zero": int(np.sum(w == 0)),
                  "chosen_by": "smallest validation MSE over degrees × alphas",
                  **linear_scores(lasso, data), "fit_seconds": lasso_s},
        "like_for_like": {"lambdas": lams, "ridge_degree": p_ridge, "lasso_degree": LASSO_DEGREE, "ridge_alpha": [ridge_alpha(v, n) for v in lams],
                          "lasso_alpha": [lasso_alpha(v) for v in lams],
                          "ridge": ridge_at, "lasso": lasso_at,
                          "lasso_converged": [lasso_at_fits[lasso_alpha(v)]["converged"]
                                              for v in lams],
                          "lasso_relative_duality_gap": [lasso_at_fits[lasso_alpha(v)]["gap"]
                                                         for v in lams]},
        "map_check": check,
    }


KEYS = ("train_mse", "val_mse", "test_mse", "test_mse_true", "weight_norm2", "small_weights",
        "best_epoch", "seconds")


def main():
    start = time.perf_counter()
    jobs = [dict(penalty="l2", lam=0.0, lr=lr, seed=s) for lr in LEARNING_RATES
            for s in range(SEEDS)]
    jobs += [dict(penalty=p, lam=lam, lr=lr, seed=s) for p in PENALTIES for lr in LEARNING_RATES
             for lam in LAMBDAS[1:] for s in range(SEEDS)]
    out = run_parallel(run, jobs)
    runs = {}
    for job, r in zip(jobs, out):
        pens = PENALTIES if job["lam"] == 0 else [job["penalty"]]
        for p in pens:  # λ = 0 is the same network for both penalties
            runs.setdefault((p, job["lr"], job["lam"]), []).append(r)
    network = {}
    for p in PENALTIES:
        grid = {k: over_seeds([[[r[k] for r in runs[(p, lr, lam)]] for lam in LAMBDAS]
                               for lr in LEARNING_RATES]) for k in KEYS}
        val = np.array(grid["val_mse"]["mean"], dtype=float)
        i, j = np.unravel_index(np.nanargmin(val), val.shape)
        best_lr_per_lambda = [int(np.nanargmin(val[:, k])) for k in range(len(LAMBDAS))]
        network[p] = {
            "grid": grid,
            "best": {"learning_rate": LEARNING_RATES[i], "lambda": LAMBDAS[j],
                     **{k: {s: grid[k][s][i][j] for s in ("mean", "std", "n")} for k in KEYS}},
            "per_lambda": {k: {s: [grid[k][s][best_lr_per_lambda[m]][m]
                                   for m in range(len(LAMBDAS))] for s in ("mean", "std", "n")}
                           for k in KEYS},
            "per_lambda_learning_rate": [LEARNING_RATES[b] for b in best_lr_per_lambda],
        }
    data = runge_splits()
    linear = linear_models(data)
    save_json("penalties", {
        "data": {"noise": NOISE, "n_train": N_TRAIN, "n_val": N_VAL, "n_test": N_TEST},
        "network": {"architecture": "1 → 50 sigmoid → 1", "initialization": "xavier",
                    "optimizer": "Adam", "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS,
                    "check_every": CHECK_EVERY, "patience": PATIENCE, "seeds": SEEDS,
                    "learning_rates": LEARNING_RATES, "lambdas": LAMBDAS,
                    "chosen_by": ("(η, λ): smallest mean validation MSE over the seeds; "
                                  "per_lambda: the best η for each λ, the same way"),
                    **network},
        "penalty_definition": ("ffnn: MSE + λ₂ Σ‖W‖² + λ₁ Σ|W| (weights only); Ridge α = n λ₂; "
                               "Lasso α = λ₁ / 2"),
        "n": N_TRAIN,
        **linear,
        "seconds": time.perf_counter() - start,
    })
    for p in PENALTIES:
        b = network[p]["best"]
        print(f"penalties: network {p}: η = {b['learning_rate']:g}, λ = {b['lambda']:g}: test MSE "
              f"{b['test_mse']['mean']:.4g} ± {b['test_mse']['std']:.2g} "
              f"(vs f {b['test_mse_true']['mean']:.3g})")
    for k in ("ridge", "lasso"):
        r = linear[k]
        print(f"penalties: {k}: p = {r['degree']}, α = {r['alpha']:g}: test MSE "
              f"{r['test_mse']:.4g} (vs f {r['test_mse_true']:.3g})")
    print(f"penalties: map check {linear['map_check']}")
    print(f"penalties: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
