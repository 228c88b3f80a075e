"""The Runge function f(x) = 1/(1 + 25 x²) on [-1, 1]: network against polynomials.

For each noise level σ in NOISES the data are ``ffnn.runge_data``: N_TRAIN
training points, N_VAL validation points and N_TEST test points, each drawn
with its own seed (x uniform on [-1, 1], y = f(x) + N(0, σ²)).
* ordinary least squares on polynomial features x, ..., x^p (plus intercept),
  p = 1..MAX_DEGREE chosen by validation MSE;
* Ridge on the same features, (p, λ) chosen by validation MSE;
* the network 1 → 50 → 50 → 1 (identity output, MSE cost, Xavier
  initialisation, batches of 20), trained with Adam in two stages, η = 0.01 for
  EPOCHS[0] epochs and then a fresh Adam with η = 0.001 for EPOCHS[1] epochs
  (a step decay of the learning rate: with η = 0.01 throughout, the noiseless
  fit's MSE jumps between 1e-7 and 1e-3 from epoch to epoch); the hidden
  activation, tanh or sigmoid, is chosen by validation MSE.
The test MSE is reported against the noisy test targets and against f itself.
Writes results/runge.json.
"""

import time

import numpy as np
from _common import run_parallel, save_json
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

import ffnn

NOISES = [0.0, 0.1]
N_TRAIN, N_VAL, N_TEST = 100, 50, 500
SEEDS = {"train": 1, "val": 2, "test": 3}
MAX_DEGREE = 15
RIDGE_LAMBDAS = np.logspace(-8, 0, 9)
HIDDEN = [50, 50]
ACTIVATIONS = ["tanh", "sigmoid"]
LEARNING_RATES = [0.01, 0.001]
BATCH_SIZE = 20
EPOCHS = [800, 200]
GRID = np.linspace(-1.0, 1.0, 201).reshape(-1, 1)


def data(noise):
    return {part: ffnn.runge_data(n, noise, SEEDS[part])
            for part, n in (("train", N_TRAIN), ("val", N_VAL), ("test", N_TEST))}


def mse(a, b):
    """Mean squared difference; both are flattened (sklearn's Ridge returns shape (n,)
    for targets of shape (n, 1), and (n,) - (n, 1) would broadcast to (n, n))."""
    return float(np.mean((np.ravel(a) - np.ravel(b)) ** 2))


def scores(predict, d):
    """Validation MSE, test MSE (noisy targets) and test MSE against f."""
    xt, yt = d["test"]
    return {"val_mse": mse(predict(d["val"][0]), d["val"][1]),
            "test_mse": mse(predict(xt), yt),
            "test_mse_true": mse(predict(xt), ffnn.runge(xt)),
            "train_mse": mse(predict(d["train"][0]), d["train"][1]),
            "grid_prediction": np.ravel(predict(GRID))}


def polynomials(noise):
    d = data(noise)
    x, y = d["train"][0], d["train"][1].ravel()
    xv, yv = d["val"]
    ols_val, ridge_val = [], []
    for p in range(1, MAX_DEGREE + 1):
        model = make_pipeline(PolynomialFeatures(p, include_bias=False), LinearRegression())
        ols_val.append(mse(model.fit(x, y).predict(xv), yv))
        row = []
        for lam in RIDGE_LAMBDAS:
            model = make_pipeline(PolynomialFeatures(p, include_bias=False), Ridge(alpha=lam))
            row.append(mse(model.fit(x, y).predict(xv), yv))
        ridge_val.append(row)
    ols_val, ridge_val = np.array(ols_val), np.array(ridge_val)
    p_ols = int(np.argmin(ols_val)) + 1
    i, j = np.unravel_index(np.argmin(ridge_val), ridge_val.shape)
    p_ridge, lam = int(i) + 1, float(RIDGE_LAMBDAS[j])
    ols = make_pipeline(PolynomialFeatures(p_ols, include_bias=False), LinearRegression()).fit(x, y)
    ridge = make_pipeline(PolynomialFeatures(p_ridge, include_bias=False), Ridge(alpha=lam)).fit(x, y)
    return {
        "OLS": {"degree": p_ols, **scores(lambda z: ols.predict(z), d)},
        "Ridge": {"degree": p_ridge, "lambda": lam, **scores(lambda z: ridge.predict(z), d)},
        "degrees": list(range(1, MAX_DEGREE + 1)),
        "ols_val_mse": ols_val,
        "ridge_val_mse": ridge_val,
        "ridge_best_val_mse_per_degree": ridge_val.min(axis=1),
    }


def network(noise, activation):
    d = data(noise)
    x, y = d["train"]
    net = ffnn.NeuralNetwork(1, HIDDEN + [1], [activation] * len(HIDDEN) + ["identity"], None,
                             "mse", None, "xavier", seed=0)
    cost, val_cost = [], []
    for stage, (lr, epochs) in enumerate(zip(LEARNING_RATES, EPOCHS)):
        h = ffnn.train(net, x, y, ffnn.Adam(lr), epochs=epochs, batch_size=BATCH_SIZE,
                       seed=stage, X_val=d["val"][0], Y_val=d["val"][1], progress=False)
        cost += h["cost"]
        val_cost += h["val_cost"]
    return {"activation": activation, "cost": cost, "val_cost": val_cost,
            **scores(net.predict, d)}


def run(kind, **kw):
    return polynomials(**kw) if kind == "poly" else network(**kw)


def main():
    start = time.perf_counter()
    jobs = [dict(kind="net", noise=n, activation=a) for n in NOISES for a in ACTIVATIONS]
    jobs += [dict(kind="poly", noise=n) for n in NOISES]
    out = iter(run_parallel(run, jobs))
    nets = {(n, a): next(out) for n in NOISES for a in ACTIVATIONS}
    polys = {n: next(out) for n in NOISES}

    cases = []
    for noise in NOISES:
        candidates = {a: nets[(noise, a)] for a in ACTIVATIONS}
        best = min(ACTIVATIONS, key=lambda a: candidates[a]["val_mse"])
        d = data(noise)
        cases.append({
            "noise": noise,
            "train": {"x": d["train"][0].ravel(), "y": d["train"][1].ravel()},
            "FFNN": {**candidates[best], "architecture": f"1 → 50 {best} → 50 {best} → 1"},
            "FFNN_all": candidates,
            **polys[noise],
        })
    results = {
        "n_train": N_TRAIN, "n_val": N_VAL, "n_test": N_TEST, "seeds": SEEDS,
        "noises": NOISES, "max_degree": MAX_DEGREE, "ridge_lambdas": RIDGE_LAMBDAS,
        "network": {"hidden": HIDDEN, "activations": ACTIVATIONS, "learning_rates": LEARNING_RATES,
                    "batch_size": BATCH_SIZE, "epochs": EPOCHS, "optimizer": "Adam",
                    "initialization": "xavier"},
        "grid": GRID.ravel(),
        "grid_true": ffnn.runge(GRID).ravel(),
        "cases": cases,
    }
    save_json("runge", results)
    for c in cases:
        print(f"runge σ = {c['noise']}: test MSE  FFNN ({c['FFNN']['activation']}) "
              f"{c['FFNN']['test_mse']:.3g}  OLS (p = {c['OLS']['degree']}) {c['OLS']['test_mse']:.3g}  "
              f"Ridge (p = {c['Ridge']['degree']}, λ = {c['Ridge']['lambda']:.0e}) "
              f"{c['Ridge']['test_mse']:.3g}")
    print(f"runge: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
