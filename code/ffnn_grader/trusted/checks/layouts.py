"""The layouts of a batch that students really use, and the conversions to ffnn's.

ffnn (and the week-41 text) puts samples in rows: X of shape (n, n_in),
W of shape (n_in, n_out) holding (W^l)^T, Z = A @ W + b with b of shape
(n_out,) (@eq-layer-batch).  Students
also keep W of shape (n_out, n_in) and compute A @ W.T, or put samples in
columns (X of shape (n_in, n), the week-41 text's "(number of features,
number of inputs)") with W.T @ A or W @ A and b of shape (n_out, 1).  A
check calls the student in each layout the exercise allows, with the
reference problem converted to it, and converts the answer back.
"""

from dataclasses import dataclass

import numpy as np

from .common import REF


@dataclass(frozen=True)
class Layout:
    columns: bool  # samples in columns
    out_in: bool  # W of shape (n_out, n_in)

    @property
    def name(self):
        samples = "samples in columns, X of shape (n_in, n)" if self.columns else "samples in rows"
        weights = "W of shape (n_out, n_in)" if self.out_in else "W of shape (n_in, n_out)"
        return f"{samples}, {weights}"

    @property
    def default(self):
        return not self.columns and not self.out_in

    def data(self, X):
        """A batch (rows are samples) in this layout."""
        return np.array(X.T if self.columns else X, dtype=float)

    def back(self, A):
        """A batch of this layout with samples in rows."""
        A = np.asarray(A, dtype=float)
        return A.T if self.columns and A.ndim == 2 else A

    def layers(self, layers):
        """Reference layers (W (n_in, n_out), b (n_out,)) in this layout."""
        out = []
        for W, b in layers:
            W = np.array(W.T if self.out_in else W, dtype=float)
            b = np.array(b, dtype=float).reshape((-1, 1) if self.columns else (-1,))
            out.append((W, b))
        return out

    def softmax(self):
        return REF.softmax_columns if self.columns else REF.softmax


ROWS = Layout(columns=False, out_in=False)
LAYOUTS = (ROWS, Layout(False, True), Layout(True, False), Layout(True, True))


def convention(layout):
    """The note a pass carries when the student's layout is not ffnn's."""
    return "" if layout.default else f"graded in your convention: {layout.name}"
