"""Project 2, part f: ffnn's accuracy on the digits against PyTorch's, same network and settings.

The network, training and splits of ``digits.py`` (``_common.DIGITS_NETWORK``):
64 → 128 ReLU → 64 ReLU → 10 softmax, cross-entropy plus λ Σ‖W‖² (weights
only), Adam (η, β₁, β₂, ε the same), the same mini-batches and epochs, on the
``train_full`` part (1437 images) of each of the SPLITS splits
``_common.digits_splits(k)``, scored on its 360 test images.  On split k both
start from the same weights (ffnn's, seed k, copied into PyTorch through
``net.layers``) at η = 1e-3, so ffnn's run is digits.py's where that chose
η = 1e-3 on split k; each shuffles the batches with
its own generator.  PyTorch computes in float64 on one thread, so only the
implementation differs.  Without PyTorch nothing is trained and the results
file says so.  Writes results/torch_compare.json.
"""

import time

import numpy as np
from _common import DIGITS_NETWORK, digits_splits, paired_difference, run_parallel, save_json

import ffnn

NET = DIGITS_NETWORK
LEARNING_RATE, BATCH_SIZE, L2, EPOCHS = NET.learning_rate, NET.batch_size, NET.l2, NET.epochs
SPLITS = 5  # as digits.py


def data(split):
    s = digits_splits(split)
    return s["train_full"], s["test"]


def run_ffnn(split):
    (X, Y, _), (Xt, Yt, _) = data(split)
    net = NET.network(seed=split)
    start = time.process_time()
    ffnn.train(net, X, Y, ffnn.Adam(LEARNING_RATE), epochs=EPOCHS, batch_size=BATCH_SIZE,
               seed=split, progress=False)
    seconds = time.process_time() - start
    return {"train_accuracy": ffnn.accuracy(net.predict(X), Y),
            "test_accuracy": ffnn.accuracy(net.predict(Xt), Yt), "seconds": seconds}


def run_torch(split):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(split)
    (X, _, l), (Xt, _, lt) = data(split)
    layers = []
    for W, b in NET.network(seed=split).layers:
        lin = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.array(W.T)))
            lin.bias.copy_(torch.from_numpy(np.array(b)))
        layers += [lin, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # the softmax is inside the cross-entropy
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
    Xa, la = torch.from_numpy(X), torch.from_numpy(l)
    gen = torch.Generator().manual_seed(split)
    start = time.process_time()
    for _ in range(EPOCHS):
        for idx in torch.randperm(len(Xa), generator=gen).split(BATCH_SIZE):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(Xa[idx]), la[idx])
            loss = loss + L2 * sum((W**2).sum() for W in weights)
            loss.backward()
            opt.step()
    seconds = time.process_time() - start
    with torch.no_grad():
        acc = [float((model(torch.from_numpy(Z)).argmax(1).numpy() == y).mean())
               for Z, y in ((X, l), (Xt, lt))]
    return {"train_accuracy": acc[0], "test_accuracy": acc[1], "seconds": seconds}


def run(kind, split):
    return run_ffnn(split) if kind == "ffnn" else run_torch(split)


def summary(runs):
    out = {}
    for k in ("train_accuracy", "test_accuracy", "seconds"):
        v = np.array([r[k] for r in runs])
        out[k] = {"mean": float(v.mean()), "std": float(v.std(ddof=1)), "values": v}
    return out


def main():
    start = time.perf_counter()
    try:
        import torch
        version = torch.__version__
    except ImportError:
        version = None
    results = {}
    if version:
        kinds = ["ffnn", "torch"]
        out = run_parallel(run, [dict(kind=k, split=i) for k in kinds for i in range(SPLITS)])
        results = {k: summary(out[i * SPLITS:(i + 1) * SPLITS]) for i, k in enumerate(kinds)}
        results["torch_minus_ffnn"] = paired_difference(
            results["torch"]["test_accuracy"]["values"], results["ffnn"]["test_accuracy"]["values"])
    (X, _, _), (Xt, _, _) = data(0)
    save_json("torch_compare", {
        "torch_version": version,
        "note": None if version else "PyTorch is not installed: nothing was trained",
        "architecture": "64 → 128 ReLU → 64 ReLU → 10 softmax",
        "settings": {**NET.record(), "betas": [0.9, 0.999], "eps": 1e-8,
                     "initialization": "he (ffnn's weights copied into PyTorch)",
                     "dtype": "float64", "threads": 1, "splits": SPLITS,
                     "seconds": "CPU time of the training loop (time.process_time)",
                     "chosen_by": "those of digits.py (_common.DIGITS_NETWORK)"},
        "n_train": len(X), "n_test": len(Xt),
        **results,
        "seconds": time.perf_counter() - start,
    })
    for k in ("ffnn", "torch"):
        if k in results:
            r = results[k]
            print(f"torch_compare: {k:5s} test accuracy {r['test_accuracy']['mean']:.4f} ± "
                  f"{r['test_accuracy']['std']:.4f}, {r['seconds']['mean']:.2f} s per training")
    if not version:
        print("torch_compare: PyTorch is not installed, nothing trained")
    print(f"torch_compare: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
