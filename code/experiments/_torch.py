"""PyTorch's copy of an ffnn classifier, trained as ``ffnn.train`` trains it (not an experiment).

``train_torch`` starts from the network's own weights and takes the same Adam
steps on the same mini-batches in the same order, so that a comparison of the
two measures the implementations' arithmetic, nothing else.  ``torch`` is
imported only when it is called (it is an optional dependency, ``bench``).
"""

import numpy as np


def train_torch(net, activation, X, labels, learning_rate, *, epochs, batch_size, seed):
    """PyTorch's copy of ffnn's ``net`` (hidden ``activation``, softmax output), trained.

    Same initial weights, cost (cross-entropy plus net.l2 Σ‖W‖², weights only),
    Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), epochs and batches: each epoch's order
    is the permutation that ``ffnn.train(..., seed=seed)`` draws (``ffnn.batches``),
    so only the arithmetic differs; dtype that of ``net``, one thread.
    Returns the ``torch.nn.Sequential`` (its outputs are the logits z^L).
    """
    import torch

    torch.set_num_threads(1)
    act = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}[activation]
    layers = []
    for W, b in net.layers:
        lin = torch.nn.Linear(*W.shape, dtype=torch.from_numpy(np.array(W)).dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.array(W.T)))
            lin.bias.copy_(torch.from_numpy(np.array(b)))
        layers += [lin, act()]
    model = torch.nn.Sequential(*layers[:-1])  # the softmax is inside the cross-entropy
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate, betas=(0.9, 0.999), eps=1e-8)
    Xa, la = torch.from_numpy(X), torch.from_numpy(np.asarray(labels, np.int64))
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X)) if batch_size < len(X) else np.arange(len(X))
        for idx in torch.from_numpy(order).split(batch_size):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(Xa[idx]), la[idx])
            loss = loss + net.l2 * sum((W**2).sum() for W in weights)
            loss.backward()
            opt.step()
    return model
