"""FFNNClassifier against MLPClassifier on digits: what the scikit-learn interface costs.

Both estimators train the W1 network (digits 1797 x 64, hidden [64, 32] ReLU,
softmax output, cross-entropy) with the same batch size, number of epochs and
optimiser (SGD with heavy-ball momentum 0.9, no penalty, every epoch run), one
BLAS thread.  Each run times a whole ``fit`` (checks, building the network,
training), the two estimators in alternation; the result is seconds per epoch
(the median of the runs) and the median over the runs of the ratio
FFNNClassifier / MLPClassifier within each run.  Goal: at most 0.6.
"""

import statistics
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import ffnn

from .workloads import WORKLOADS, load

GOAL = 0.6


def _estimators(cfg, seed):
    same = dict(hidden_layer_sizes=tuple(cfg["hidden"]), activation=cfg["activation"], solver="sgd",
                learning_rate_init=cfg["lr"], momentum=0.9, nesterovs_momentum=False, alpha=0.0,
                batch_size=cfg["batch"], max_iter=cfg["epochs"], random_state=seed)
    return {"ffnn": ffnn.FFNNClassifier(**same),
            "sklearn": MLPClassifier(**same, tol=0.0, n_iter_no_change=10**9)}


def compare(key="W1"):
    """``{"seconds_per_epoch": {...}, "ratio": ffnn/sklearn, "goal": 0.6, ...}`` on ``key``'s data."""
    cfg = WORKLOADS[key]
    X, labels, _ = load(key)
    times = {"ffnn": [], "sklearn": []}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for r in range(cfg["runs"] + 1):  # run 0 warms up, not kept
            models = _estimators(cfg, seed=r)
            for name in (("ffnn", "sklearn") if r % 2 else ("sklearn", "ffnn")):
                t0 = time.perf_counter()
                models[name].fit(X, labels)
                if r:
                    times[name].append((time.perf_counter() - t0) / cfg["epochs"])
    ratio = statistics.median(a / b for a, b in zip(times["ffnn"], times["sklearn"]))
    return dict(workload=key, title=cfg["title"], epochs=cfg["epochs"], goal=GOAL,
                seconds_per_epoch={n: statistics.median(t) for n, t in times.items()},
                runs=times, ratio=ratio,
                accuracy={n: float(m.score(X, labels)) for n, m in models.items()})


def summary(result):
    """One line for the bench's output."""
    s = result["seconds_per_epoch"]
    return (f"{result['workload']} estimators, one thread, seconds per epoch: FFNNClassifier "
            f"{s['ffnn']:.4f}, MLPClassifier {s['sklearn']:.4f}: ratio {result['ratio']:.2f} "
            f"(goal <= {result['goal']})")


if __name__ == "__main__":
    print(summary(compare()))
