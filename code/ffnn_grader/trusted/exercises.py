"""The exercises of weeks 41 and 42 that the grader knows, and their points.

Scheme: every exercise that asks for code is worth 1 point; its check is in
:mod:`.checks` under the same identifier.  A submission is marked out of the
exercises of the week(s) it holds (:func:`for_week`): 16 points for week 41,
12 for week 42, 28 for a file holding both.  Questions answered in prose are
in :data:`TO_READ`: listed for a human reader, not scored.  Identifiers
are ``w41-<n><letter>`` / ``w42-<n><letter>`` after the exercise sets;
week 42's exercise 6 has no letters and is ``w42-6``.

This module is light on purpose: the grader's own process reads it without
importing numpy or the submission's checks.
"""

POINTS_PER_EXERCISE = 1

# id -> what the check looks at, in the order of the exercise sets
EXERCISES = {
    "w41-1b": "b1, the bias of layer 1",
    "w41-1c": "z1 = W1 x + b1",
    "w41-1d": "a1 = ReLU(z1)",
    "w41-2b": "W2 and b2 of the second layer",
    "w41-2c": "z2 and a2 of the second layer",
    "w41-3a": "create_layers",
    "w41-3b": "feed_forward_all_relu",
    "w41-3c": "a network 8 -> 10, 16, 6, 2 with create_layers and feed_forward_all_relu",
    "w41-4a": "feed_forward with one activation per layer",
    "w41-4b": "a network of three layers with ReLU, ReLU, sigmoid",
    "w41-5a": "create_layers_batch",
    "w41-5b": "feed_forward_batch",
    "w41-5c": "softmax and a batched network with ReLU, ReLU, softmax",
    "w41-6b": "the iris network: 4 inputs, 8 sigmoid nodes, 3 softmax outputs",
    "w41-6c": "predictions of the iris network on the whole data set",
    "w41-7c": "train_network: gradient descent with autograd's gradient",
    "w42-2b": "feed_forward_one_layer, W and b",
    "w42-3b": "mse_der, the derivative of the mean squared error",
    "w42-3c": "sigmoid_der",
    "w42-3d": "dC/dz = dC/da da/dz for one layer",
    "w42-3f": "dC/dW and dC/db of one layer by hand",
    "w42-4a": "gradients of the last of two layers",
    "w42-4c": "gradients of the first of two layers",
    "w42-5a": "backpropagation for any number of layers",
    "w42-6": "batched feed_forward_saver_batch and backpropagation_batch",
    "w42-7a": "training on iris with your own backpropagation",
    "w42-7b": "train_network_momentum: stochastic gradient descent with momentum",
    "w42-8a": "the NeuralNetwork class",
}

TO_READ = {
    "w41-1a": "input shape of the network and output shape of layer 1",
    "w41-2a": "the input of the second layer and its shape",
    "w41-3d": "why a network without activations equals a one-layer network",
    "w41-4c": "sigmoid in the hidden layers and ReLU at the output",
    "w41-6a": "input and output sizes for iris",
    "w41-6d": "accuracy of the untrained network, over several initialisations",
    "w41-7a": "shapes of the gradients",
    "w41-7b": "what autograd's grad does; shapes of layers_grad",
    "w41-7d": "the name of the gradient method",
    "w41-7e": "accuracy after training",
    "w41-7f": "the best accuracy possible on iris",
    "w42-2a": "shapes of the gradients of a (10, 4) layer",
    "w42-3a": "intermediary results shared by dC/dW and dC/db",
    "w42-3e": "dz/dW and dz/db and their shapes",
    "w42-4b": "dz2/da1",
    "w42-4e": "gradients of earlier layers",
}


WEEKS = (41, 42)


def max_points(exercise_id):
    return POINTS_PER_EXERCISE


def week_of(exercise_id):
    return exercise_id.split("-", 1)[0]


def _check_week(week):
    if week not in WEEKS:
        raise ValueError(f"week: expected one of {WEEKS}, got {week!r}")
    return f"w{week}"


def for_week(week):
    """The scored exercises of ``week`` (41 or 42), in the exercise set's order."""
    prefix = _check_week(week)
    return {id: text for id, text in EXERCISES.items() if week_of(id) == prefix}


def for_weeks(weeks):
    """The scored exercises of every week in ``weeks``, week by week."""
    return {id: text for week in sorted(set(weeks)) for id, text in for_week(week).items()}


def to_read_for(weeks):
    """The prose questions of the weeks in ``weeks``, sorted."""
    prefixes = {_check_week(week) for week in weeks}
    return sorted(id for id in TO_READ if week_of(id) in prefixes)
