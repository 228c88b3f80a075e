"""Project 2, parts b and e: the Runge comparison repeated over draws of the data.

Every other Runge study uses one draw of training, validation and test points
(``_regression.runge_splits``, draw 0), so its spread over seeds leaves out
the data.  Here DRAWS draws of the three parts (draw 0 and DRAWS - 1 new ones)
are each fitted by

* the network that validation chose on draw 0 in ``runge_optimizers``
  (``_runge_network.network``: 1 → 50 → 1, sigmoid, LeCun's weights, Adam,
  early-stopped on validation), η chosen on each draw's validation MSE (mean
  over seeds) from that study's grid for Adam;
* scikit-learn's MLPRegressor with the same settings (``_runge_network.mlp``),
  its own η chosen alike on each draw's validation MSE from the same grid;
* OLS, Ridge and Lasso on the same polynomial features, each with (degree, α)
  chosen on validation (``_runge_linear``);
* the same network with an L2 or an L1 penalty (part e), (η, λ) chosen on
  each draw's validation MSE (``_runge_penalised``).

The models are compared by paired differences of the test MSE against f over
the draws, network minus model; "best linear" is, per draw, the one of OLS,
Ridge and Lasso with the smallest validation MSE.  On draw 0 the fitted curves
at the x of GRID are stored for the figure; every model's test MSE against the
noisy targets y is stored beside that against f.  Second and third, over
draws without early stopping (``_runge_no_early_stopping``): the optimisers
at an equal number of updates, and part d's large networks trained long.
Writes results/runge_draws.json.
"""

import time

import numpy as np
from _common import run_parallel, save_json
from _fit import over_seeds
from _regression import DEGREES, NOISE, runge_splits
from _runge_linear import LASSO_ALPHAS, LINEAR, RIDGE_ALPHAS, linear
from _runge_network import HIDDEN, LEARNING_RATES, MAX_EPOCHS, SEEDS, best_per_draw, mlp, network
from _runge_no_early_stopping import (BUDGET_DRAWS, BUDGET_SEEDS, OVERFIT_DRAWS, OVERFIT_EPOCHS,
                                      OVERFIT_EVERY, OVERFIT_LR, UPDATES, equal_updates,
                                      overfitting)
from _runge_penalised import LAMBDAS, PENALTY_LRS, penalised, penalty_summary
from penalties import PENALTIES
from runge_optimizers import BATCH_SIZE, CHECK_EVERY, PATIENCE

DRAWS = 20
GRID = np.linspace(-1, 1, 401).reshape(-1, 1)


def main():
    start = time.perf_counter()
    half = DRAWS // 2
    out = [r for rows in run_parallel(network, [dict(draws=range(half), grid=GRID),
                                                dict(draws=range(half, DRAWS), grid=GRID)])
           for r in rows]
    val = np.array([r["val_mse"] for r in out]).reshape(DRAWS, len(LEARNING_RATES), SEEDS)
    test = np.array([r["test_mse_true"] for r in out]).reshape(val.shape)
    test_y = np.array([r["test_mse"] for r in out]).reshape(val.shape)
    best = best_per_draw(val)
    net_test = test[np.arange(DRAWS), best].mean(axis=1)  # mean over seeds, per draw
    k0 = int(best[0])
    curve = np.mean([r["curve"] for r in out[k0 * SEEDS:(k0 + 1) * SEEDS]], axis=0)
    pout = [r for rows in run_parallel(penalised, [dict(draws=range(half)),
                                                   dict(draws=range(half, DRAWS))])
            for r in rows]
    pen = penalty_summary(pout, val, test)
    pen_y = penalty_summary(pout, val, test_y, key="test_mse")
    mjobs = [dict(draw=k, lr=lr, seed=s) for k in range(DRAWS) for lr in LEARNING_RATES
             for s in range(SEEDS)]
    mout = run_parallel(mlp, mjobs)
    mlp_val = np.array([r["val_mse"] for r in mout]).reshape(val.shape)
    mlp_grid = np.array([r["test_mse_true"] for r in mout]).reshape(val.shape)
    mlp_best = best_per_draw(mlp_val)
    mlp_test = mlp_grid[np.arange(DRAWS), mlp_best]  # (draws, seeds) at its own η
    mlp_y = np.array([r["test_mse"] for r in mout]).reshape(val.shape)[np.arange(DRAWS),
                                                                       mlp_best]
    lin = run_parallel(linear, [dict(draw=k, grid=GRID) for k in range(DRAWS)])
    models = {"network": net_test, "MLPRegressor": mlp_test.mean(axis=1)}
    models.update({m: np.array([d[m]["test_mse_true"] for d in lin]) for m in LINEAR})
    models.update({f"{p.upper()} network": pen[p]["test_mse_true"] for p in PENALTIES})
    chosen = [min(LINEAR, key=lambda m: d[m]["val_mse"]) for d in lin]
    models["best linear"] = np.array([d[m]["test_mse_true"] for d, m in zip(lin, chosen)])
    # the same models' test MSE against the noisy targets y (its floor: σ²)
    models_y = {"network": test_y[np.arange(DRAWS), best].mean(axis=1),
                "MLPRegressor": mlp_y.mean(axis=1),
                **{m: np.array([d[m]["test_mse"] for d in lin]) for m in LINEAR},
                **{f"{p.upper()} network": pen_y[p]["test_mse"] for p in PENALTIES},
                "best linear": np.array([d[m]["test_mse"] for d, m in zip(lin, chosen)])}
    paired = {}  # model − network, as before
    for m in LINEAR:
        diff = models[m] - models["network"]
        paired[m] = {"difference": over_seeds(diff), "log10_ratio": over_seeds(
            np.log10(models[m] / models["network"])), "network_better": int(np.sum(diff > 0))}
    network_minus = {m: {"difference": over_seeds(models["network"] - models[m]),
                         "median": float(np.median(models["network"] - models[m])),
                         "network_better": int(np.sum(models["network"] < models[m]))}
                     for m in models if m != "network"}
    pairs = {f"{a} − {b}": {"difference": over_seeds(models[a] - models[b]),
                            "first_better": int(np.sum(models[a] < models[b]))}
             for a, b in (("L2 network", "Ridge"), ("L1 network", "Lasso"))}
    budget, budget_pairs = equal_updates()
    overfit = overfitting()

    save_json("runge_draws", {
        "draws": DRAWS, "seeds": SEEDS, "noise": NOISE,
        "network": {"architecture": f"1 → {' → '.join(map(str, HIDDEN))} → 1",
                    "activation": "sigmoid", "initialization": "xavier",
                    "optimizer": "Adam", "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS,
                    "check_every": CHECK_EVERY, "patience": PATIENCE,
                    "learning_rates": LEARNING_RATES,
                    "chosen_learning_rate": [LEARNING_RATES[b] for b in best],
                    "val_mse": val, "test_mse_true_grid": test},
        "penalised": {"learning_rates": PENALTY_LRS, "lambdas": LAMBDAS,
                      "early_stopping": "validation cost with the penalty", **pen},
        "mlp": {"estimator": "sklearn MLPRegressor", "alpha": 0.0,
                "learning_rate": "its own, per draw, on validation as the network's",
                "chosen_learning_rate": [LEARNING_RATES[b] for b in mlp_best],
                "test_mse_true": mlp_test, "val_mse": mlp_val, "test_mse_true_grid": mlp_grid},
        "test_mse_true": models, "test_mse": models_y, "paired": paired,
        "network_minus": network_minus,
        "penalty_pairs": pairs,
        "best_linear": chosen,
        "linear": [{m: {k: v for k, v in d[m].items() if k != "curve"} for m in d} for d in lin],
        "degrees": DEGREES,
        "lasso": {"degrees": DEGREES, "alphas": LASSO_ALPHAS,
                  "solver": "LARS path (LassoLars), interpolated at each α"},
        "ridge": {"degrees": DEGREES, "alphas": RIDGE_ALPHAS, "solver": "SVD"},
        "curves": {"x": GRID.ravel(), "network": curve,
                   **{m: lin[0][m]["curve"] for m in LINEAR},
                   "train": runge_splits()["train"]},
        "budget": {"updates": UPDATES, "architecture": "1 → 50 → 1 sigmoid, Xavier",
                   "draws": BUDGET_DRAWS, "seeds": BUDGET_SEEDS, "results": budget,
                   "paired": budget_pairs,
                   "chosen_by": "η per draw: smallest mean validation MSE of the last iterate "
                                "over the seeds; test MSE: mean over seeds, then over draws"},
        "overfit": {"epochs": list(range(OVERFIT_EVERY, OVERFIT_EPOCHS + 1, OVERFIT_EVERY)),
                    "learning_rate": OVERFIT_LR, "batch_size": BATCH_SIZE,
                    "draws": OVERFIT_DRAWS, "seeds": 1, "results": overfit},
        "seconds": time.perf_counter() - start,
    })
    for m, v in models.items():
        print(f"runge_draws: {m:8s} test MSE vs f {np.mean(v) * 1e3:.2f} ± "
              f"{np.std(v, ddof=1) * 1e3:.2f} × 10^-3 over {DRAWS} draws")
    for m, p in pairs.items():
        print(f"runge_draws: {m} {p['difference']['mean'] * 1e3:.2f} ± "
              f"{p['difference']['std'] * 1e3:.2f}, first better {p['first_better']}")
    for m, p in network_minus.items():
        print(f"runge_draws: network − {m} {p['difference']['mean'] * 1e3:.2f} ± "
              f"{p['difference']['std'] * 1e3:.2f} × 10^-3, network better in "
              f"{p['network_better']}/{DRAWS}")
    print("runge_draws: η", [LEARNING_RATES[b] for b in best], "best linear", chosen)
    print("runge_draws: MLPRegressor's η", [LEARNING_RATES[b] for b in mlp_best])
    for p in PENALTIES:
        q = pen[p]["per_lambda_minus_no_penalty"]
        print(f"runge_draws: {p} λ chosen {pen[p]['lambda']}; per λ − λ=0 (× 10^-3): "
              + ", ".join(f"{lam:g}: {m * 1e3:.2f} ± {sd * 1e3:.2f} ({w} worse)" for lam, m, sd, w
                          in zip(q["lambdas"], q["mean"], q["std"], q["worse"])))
    for m in LINEAR:
        print(f"runge_draws: {m} (degree, α)", [(d[m]["degree"], f"{d[m]['alpha']:.0e}")
                                                 for d in lin])
    print("runge_draws: Lasso gaps", [f"{d['Lasso']['relative_duality_gap']:.0e}" for d in lin])
    for n, b in budget.items():
        print(f"runge_draws: {n}: η = {b['chosen_learning_rate']}, test MSE vs f "
              f"{b['test_mse_true']['mean'] * 1e3:.2f} ± {b['test_mse_true']['std'] * 1e3:.2f}")
    for n, p in budget_pairs.items():
        print(f"runge_draws: {n}: {p['mean'] * 1e3:.2f} ± {p['std'] * 1e3:.2f} × 10^-3, "
              f"> 0 on {p['n_positive']}, < 0 on {p['n_negative']} of {p['n']} draws")
    for n, o in overfit.items():
        print(f"runge_draws: {n}, no early stopping: train MSE "
              + " ".join(f"{v * 1e3:.1f}" for v in o["train"]["mean"][::4])
              + ", test " + " ".join(f"{v * 1e3:.1f}" for v in o["test"]["mean"][::4]))
    print(f"runge_draws: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
