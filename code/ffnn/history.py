"""The record of one training: :class:`History`, what :func:`ffnn.train` and
:func:`ffnn.train_many` return."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(eq=False)
class History(Mapping):
    """The costs (and accuracies) of one training, epoch by epoch.

    Every field is always there; one that does not apply is None.

    Attributes
    ----------
    cost : list of float
        The training cost of each epoch, the mean of its batch costs: the
        cost that training lowers, C plus the weight penalty (@eq-penalty),
        :meth:`ffnn.NeuralNetwork.cost`.
    val_cost : list of float, or None without validation data
        The same cost of the validation data after each epoch.
    val_accuracy : list of float, or None
        The validation accuracy after each epoch, for a softmax (classifier)
        output with validation data.
    early_stopping : bool
        Whether early stopping watched the training (:class:`ffnn.EarlyStopping`).
    best_epoch : int or None
        With early stopping, the epoch (counted from 1) of the lowest
        validation cost; None if none was finite.
    stopped_epoch : int or None
        With early stopping, the epoch after which training stopped early;
        None when it ran all its epochs.

    A history also reads as the dict of the entries that apply:
    ``history["cost"]``, ``"val_accuracy" in history``, ``history.keys()``,
    ``dict(history)``; ``best_epoch`` and ``stopped_epoch`` are keys with
    early stopping only.
    """

    cost: list = field(default_factory=list)
    val_cost: list | None = None
    val_accuracy: list | None = None
    early_stopping: bool = False
    best_epoch: int | None = None
    stopped_epoch: int | None = None

    @classmethod
    def new(cls, validate, classify):
        """An empty history; ``val_cost`` with validation data, ``val_accuracy`` also for a
        classifier."""
        return cls(val_cost=[] if validate else None,
                   val_accuracy=[] if validate and classify else None)

    def _keys(self):
        yield "cost"
        yield from (k for k in ("val_cost", "val_accuracy") if getattr(self, k) is not None)
        if self.early_stopping:
            yield from ("best_epoch", "stopped_epoch")

    def __getitem__(self, key):
        if key not in tuple(self._keys()):
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self):
        return self._keys()

    def __len__(self):
        return len(tuple(self._keys()))
