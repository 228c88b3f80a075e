"""One check per coding exercise of weeks 41 and 42, against :mod:`ffnn`.

Each check finds the student's functions and variables among the cells
that answer its exercise (:mod:`.scope`), by the names the exercise sets
use and then by what they do, calls them on fresh random inputs (drawn from
a generator seeded by the exercise id, so a grade is reproducible) in each
convention the exercise allows (:mod:`.layouts`), and compares shapes,
values and gradients with the reference implementation and autograd.  A
check passes (possibly with a note), or raises an outcome of
:mod:`ffnn_grader.trusted.outcomes` with a reason the student can act on.  Checks
feed reference inputs to the function under test, so one mistake costs the
exercises that ask for that code and not every exercise downstream of it.

Checks run on the trusted side: they reach the student's code only through
the sandbox's :class:`~ffnn_grader.trusted.student.Context` and the proxies
it hands out, and receive plain data.

Where the headings place no answer, a check looks further: at every
network, value and definition of this or an earlier exercise, preferring
the one that fits, and judges the student's own objects (the network's
sizes and activations).  Where an exercise builds on an earlier one, a
check is judged given the student's earlier answer, so one error costs
one point.  No marks without work: formula checks refuse degenerate
values, backpropagation must be by hand, training must be the student's,
follow the gradient and learn iris.

Modules: :mod:`.week41` (exercises 1-4), :mod:`.week41_batch` (5-6),
:mod:`.training` (week 41's 7c, week 42's 7a-7b) with :mod:`.following`
(does training follow the gradient and learn) and :mod:`.inline_training`
(a loop at the top level of a cell, judged by its effects), :mod:`.week42`
(2-5), :mod:`.week42_batch` (6), :mod:`.week42_class` (8); their helpers
:mod:`.common` (calling the student, reading the answers, comparing
gradients), :mod:`.binding` (parameters by name), :mod:`.byhand` (library
differentiation and trainers), :mod:`.activations_used` (the activations a
network uses), :mod:`.scope` (the cells that answer an exercise),
:mod:`.templates` (the handout's skeletons) and :mod:`.registry` (each
check registered once, under its id).  The
exercises, their points and the prose questions are listed in
:mod:`ffnn_grader.trusted.exercises`.
"""

from ..outcomes import Fail, Missing, StepTimeout, StudentError, StudentRaised, ToRead
from . import training, week41, week41_batch, week42, week42_batch, week42_class  # noqa: F401 - they register
from .registry import CHECKS, exercise, run_check

# Names the exercise sets use; the runner records every version of each.
FUNCTION_NAMES = (
    "create_layers", "feed_forward_all_relu", "feed_forward", "create_layers_batch",
    "feed_forward_batch", "softmax", "cost", "cost_batch", "cross_entropy", "train_network",
    "feed_forward_one_layer", "mse", "mse_der", "sigmoid_der", "backpropagation",
    "feed_forward_saver_batch", "backpropagation_batch", "cross_entropy_der",
    "train_network_momentum", "NeuralNetwork",
)
VARIABLE_NAMES = (
    "x", "W1", "b1", "z1", "a1", "W2", "b2", "z2", "a2", "W", "b", "z", "target", "predict",
    "dC_dz", "dC_dW", "dC_db", "dC_dW1", "dC_db1", "dC_dW2", "dC_db2",
    *week41_batch.LAYERS_NAMES, *week41_batch.PREDICTIONS_NAMES,
)

__all__ = ["CHECKS", "FUNCTION_NAMES", "VARIABLE_NAMES", "Fail", "Missing", "StepTimeout",
           "StudentError", "StudentRaised", "ToRead", "exercise", "run_check"]
