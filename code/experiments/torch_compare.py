"""Project 2, part f: ffnn's accuracy on the digits against PyTorch's, same network and settings.

The network and training of ``digits.py``: 64 → 128 ReLU → 64 ReLU → 10
softmax, cross-entropy plus λ Σ‖W‖² (weights only), Adam (η, β₁, β₂, ε
the same), mini-batches of BATCH_SIZE, but EPOCHS = 30 epochs instead of 60
(to keep the build short; the same for both) on the ``train_full``
part of ``_common.digits_splits`` (1437 images), scored on the 360 test
images.  For each of SEEDS seeds both start from the same weights (ffnn's He
initialisation, copied into PyTorch through ``net.layers``); each shuffles
the batches with its own generator.  PyTorch computes in float64 on one
thread, so only the implementation differs.  Without PyTorch the results
file says so and holds ffnn's numbers only.  Writes results/torch_compare.json.
"""

import time

import numpy as np
from _common import classifier, digits_splits, run_parallel, save_json

import ffnn

HIDDEN = [128, 64]
LEARNING_RATE, BATCH_SIZE, L2, EPOCHS = 1e-3, 32, 1e-4, 30
SEEDS = 5


def initial_net(seed):
    return classifier(64, HIDDEN, 10, "relu", "he", seed, l2=L2)


def run_ffnn(seed, data):
    (X, Y, _), (Xt, Yt, _) = data
    net = initial_net(seed)
    start = time.process_time()
    ffnn.train(net, X, Y, ffnn.Adam(LEARNING_RATE), epochs=EPOCHS, batch_size=BATCH_SIZE,
               seed=seed, progress=False)
    seconds = time.process_time() - start
    return {"train_accuracy": ffnn.accuracy(net.predict(X), Y),
            "test_accuracy": ffnn.accuracy(net.predict(Xt), Yt), "seconds": seconds}


def run_torch(seed, data):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    (X, _, l), (Xt, _, lt) = data
    layers = []
    for W, b in initial_net(seed).layers:
        lin = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.array(W.T)))
            lin.bias.copy_(torch.from_numpy(np.array(b)))
        layers += [lin, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # the softmax is inside the cross-entropy
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
    Xa, la = torch.from_numpy(X), torch.from_numpy(l)
    gen = torch.Generator().manual_seed(seed)
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


def run(kind, **kw):
    return run_ffnn(**kw) if kind == "ffnn" else run_torch(**kw)


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
    s = digits_splits()
    data = (s["train_full"], s["test"])
    kinds = ["ffnn"] + (["torch"] if version else [])
    jobs = [dict(kind=k, seed=seed, data=data) for k in kinds for seed in range(SEEDS)]
    out = run_parallel(run, jobs)
    results = {k: summary(out[i * SEEDS:(i + 1) * SEEDS]) for i, k in enumerate(kinds)}
    save_json("torch_compare", {
        "torch_version": version,
        "note": None if version else "PyTorch is not installed: only ffnn was run",
        "architecture": "64 → 128 ReLU → 64 ReLU → 10 softmax",
        "settings": {"optimizer": "Adam", "learning_rate": LEARNING_RATE, "betas": [0.9, 0.999],
                     "eps": 1e-8, "batch_size": BATCH_SIZE, "l2": L2, "epochs": EPOCHS,
                     "initialization": "he (ffnn's weights copied into PyTorch)",
                     "dtype": "float64", "threads": 1, "seeds": SEEDS,
                     "seconds": "CPU time of the training loop (time.process_time)",
                     "chosen_by": ("architecture, η, batch size and λ: those of digits.py (chosen "
                                   "there on validation data); 30 epochs, for time")},
        "n_train": len(data[0][0]), "n_test": len(data[1][0]),
        **results,
        "seconds": time.perf_counter() - start,
    })
    for k, r in results.items():
        print(f"torch_compare: {k:5s} test accuracy {r['test_accuracy']['mean']:.4f} ± "
              f"{r['test_accuracy']['std']:.4f}, {r['seconds']['mean']:.2f} s per training")
    print(f"torch_compare: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
