"""What a student's function reaches: a library's differentiation, or a library's trainer.

Week 42 asks for backpropagation by hand and for training with it.  A
function whose code (or the code of the student's helpers it calls, as far
as the submission recorded them) refers to autograd's ``grad`` family, the
handout's autograd gradients (``gradient_func``...), or another
differentiation library, did not write its backpropagation; one that refers
to scikit-learn's ``MLPClassifier`` or a deep-learning library did not write
its training.  Names are read from the code itself (its global names), so a
comment or a string mentioning them changes nothing.
"""

from ..outcomes import Fail
from .binding import uses

# autograd's differentiation, the handout's gradients made with it, other libraries
DIFFERENTIATION = {
    "grad": "autograd's grad", "elementwise_grad": "autograd's elementwise_grad",
    "value_and_grad": "autograd's value_and_grad", "jacobian": "autograd's jacobian",
    "hessian": "autograd's hessian", "make_vjp": "autograd's make_vjp", "vjp": "a library's vjp",
    "autograd": "autograd", "gradient_func": "the handout's gradient_func (autograd)",
    "grad_two_layers": "the handout's grad_two_layers (autograd)",
    "autograd_one_layer": "the handout's autograd_one_layer", "torch": "PyTorch", "jax": "JAX",
    "tensorflow": "TensorFlow",
}
TRAINERS = {
    "mlpclassifier": "scikit-learn's MLPClassifier", "mlpregressor": "scikit-learn's MLPRegressor",
    "sgdclassifier": "scikit-learn's SGDClassifier", "logisticregression": "scikit-learn's LogisticRegression",
    "sklearn": "scikit-learn", "keras": "Keras", "torch": "PyTorch", "jax": "JAX", "optax": "optax",
    "tensorflow": "TensorFlow",
}


def _reached(func, ctx, depth=4):
    """``func`` and the student's recorded functions it calls by name, to ``depth`` calls deep."""
    seen, frontier = [func], [func]
    by_name = {}
    for f in ctx.functions():
        by_name.setdefault(f.name.lower(), []).append(f)
    for _ in range(depth):
        frontier = [g for f in frontier for name in uses(f) for g in by_name.get(name, [])
                    if g.kind == "function" and all(g is not s for s in seen)]
        seen += frontier
    return seen


def _found(func, ctx, table):
    for f in _reached(func, ctx):
        for name in sorted(uses(f)):
            if name in table:
                where = "" if f is func else f" (through your `{f.name}`)"
                return f"{table[name]}{where}"
    return None


def library_gradient(func, ctx):
    """The library differentiation ``func`` uses ("autograd's grad (through your `helper`)"), or None."""
    return _found(func, ctx, DIFFERENTIATION)


def library_trainer(func, ctx):
    """The library trainer ``func`` uses ("scikit-learn's MLPClassifier"), or None."""
    return _found(func, ctx, TRAINERS)


def by_hand(func, ctx, what="backpropagation by hand"):
    """:class:`Fail` when ``func`` takes its gradient from a library."""
    library = library_gradient(func, ctx)
    if library:
        raise Fail(f"`{func.name}` uses {library}: the exercise asks for {what}")
