"""FFNNClassifier and FFNNRegressor as scikit-learn estimators: scikit-learn's own
check_estimator, the breast-cancer data against MLPClassifier with the same
settings, and the model-selection tools a Project 2 student uses."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import ffnn
from ffnn import FFNNClassifier, FFNNRegressor


@pytest.mark.parametrize("estimator", [FFNNClassifier(), FFNNRegressor()], ids=lambda e: type(e).__name__)
def test_check_estimator_passes(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the checks skipped without pandas or the array API say so
        results = check_estimator(estimator, on_fail=None)
    failed = [(r["check_name"], repr(r["exception"])) for r in results if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) >= 50


def test_breast_cancer_sigmoid_and_binary_cross_entropy_reach_mlpclassifiers_accuracy():
    X, y = load_breast_cancer(return_X_y=True)
    settings = dict(hidden_layer_sizes=(16,), activation="logistic", solver="adam", alpha=1e-4,
                    batch_size=32, learning_rate_init=0.01, max_iter=50)
    ours, theirs = [], []
    for seed in range(3):
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)
        model = make_pipeline(StandardScaler(), FFNNClassifier(**settings, random_state=seed))
        model.fit(Xtr, ytr)
        net = model[-1].network_
        assert net.layer_output_sizes == [16, 1] and net.cost_fun is ffnn.binary_cross_entropy
        assert net.activation_funcs == [ffnn.sigmoid, ffnn.sigmoid]
        ours.append(model.score(Xte, yte))
        # the network's one sigmoid column against the labels: the same count as the estimator's
        assert ffnn.accuracy(net.predict(model[0].transform(Xte)), yte) == ours[-1]
        mlp = make_pipeline(StandardScaler(), MLPClassifier(**settings, random_state=seed,
                                                            n_iter_no_change=50, tol=0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # all 50 epochs, on purpose
            theirs.append(mlp.fit(Xtr, ytr).score(Xte, yte))
    assert np.mean(ours) > 0.94
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.02, (ours, theirs)


def test_grid_search_over_alpha_and_learning_rate_in_a_pipeline_on_digits():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300], y[:300]
    pipe = make_pipeline(StandardScaler(), FFNNClassifier((32,), max_iter=15, batch_size=32,
                                                          random_state=0))
    grid = {"ffnnclassifier__alpha": [1e-4, 1e-2], "ffnnclassifier__learning_rate_init": [1e-3, 1e-2]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    scores = search.cv_results_["mean_test_score"].reshape(2, 2)
    assert scores.shape == (2, 2) and np.all(scores > 0.5)
    assert search.best_score_ == scores.max() > 0.85
    assert search.best_estimator_[-1].classes_.tolist() == list(range(10))
    assert search.best_estimator_[-1].network_.cost_fun is ffnn.cross_entropy


def test_cross_val_score_clone_and_labels_of_any_type():
    X, y = load_breast_cancer(return_X_y=True)
    names = np.array(["malignant", "benign"])[y]
    model = make_pipeline(StandardScaler(), FFNNClassifier((8,), max_iter=20, batch_size=32,
                                                          learning_rate_init=0.01, random_state=1))
    scores = cross_val_score(model, X, names, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9
    fitted = clone(model).fit(X, names)
    assert fitted[-1].classes_.tolist() == ["benign", "malignant"]
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    expected = np.where(proba[:, 1] >= 0.5, "malignant", "benign")
    assert (fitted.predict(X) == expected).all()
    assert clone(model).get_params()["ffnnclassifier__max_iter"] == 20


def test_regressor_takes_and_gives_1d_targets_in_a_pipeline():
    x, y = ffnn.runge_data(200, noise=0.05, seed=0)
    y = y.ravel()
    model = make_pipeline(StandardScaler(), FFNNRegressor((30,), activation="tanh", max_iter=300,
                                                          learning_rate_init=0.01, random_state=0))
    prediction = model.fit(x, y).predict(x)
    assert prediction.shape == (200,)
    assert mean_squared_error(y, prediction) < 0.01 and r2_score(y, prediction) == model.score(x, y) > 0.8
    both = np.column_stack([y, -y])
    two = FFNNRegressor((30,), activation="tanh", max_iter=50, random_state=0).fit(x, both)
    assert two.predict(x).shape == (200, 2) and two.network_.layer_output_sizes == [30, 2]


def test_parameters_reach_the_network_and_the_optimiser():
    X, y = load_digits(return_X_y=True)
    X = X[:100] / 16
    y = y[:100]
    l1 = FFNNClassifier((), penalty="l1", alpha=0.01, max_iter=2, random_state=0).fit(X, y)
    assert (l1.network_.l1, l1.network_.l2) == (0.01, 0.0) and l1.network_.layer_output_sizes == [10]
    for solver, kind in [("sgd", ffnn.Momentum), ("adagrad", ffnn.Adagrad), ("rmsprop", ffnn.RMSprop),
                         ("adam", ffnn.Adam)]:
        assert isinstance(FFNNClassifier(solver=solver)._optimizer(), kind)
    assert isinstance(FFNNClassifier(solver="sgd", momentum=0)._optimizer(), ffnn.GradientDescent)
    with pytest.raises(ValueError, match=r"solver: expected one of .*got 'lbfgs'"):
        FFNNClassifier(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match=r"penalty: expected 'l2' or 'l1', got 'elasticnet'"):
        FFNNClassifier(penalty="elasticnet").fit(X, y)
    with pytest.raises(ValueError, match=r"activation: expected one of .*'logistic'.*got 'softmax'"):
        FFNNClassifier(activation="softmax").fit(X, y)
    with pytest.raises(ValueError, match=r"learning_rate: expected one of .*'invscaling'.*got 'adaptive'"):
        FFNNClassifier(learning_rate="adaptive").fit(X, y)
    for name, bad, expected in [("max_iter", 0, "a positive integer"), ("n_iter_no_change", 2.5, "a positive integer"),
                                ("learning_rate_init", 0.0, "a number > 0"), ("alpha", -1.0, "a number >= 0")]:
        with pytest.raises(ValueError, match=rf"^{name}: expected {expected}, got {bad}$"):
            FFNNClassifier(**{name: bad}).fit(X, y)
    constant = FFNNClassifier((16,), max_iter=5, random_state=0).fit(X, y).loss_curve_
    decayed = FFNNClassifier((16,), max_iter=5, random_state=0, learning_rate="invscaling").fit(X, y)
    assert decayed.loss_curve_[0] == constant[0] and decayed.loss_curve_[-1] != constant[-1]


def test_early_stopping_holds_out_a_fraction_and_stops():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = FFNNClassifier((16,), learning_rate_init=0.05, max_iter=500, early_stopping=True,
                           n_iter_no_change=5, random_state=0).fit(X, y)
    assert model.n_iter_ < 500 and model.best_epoch_ <= model.n_iter_ - 5
    assert FFNNClassifier(max_iter=3, random_state=0).fit(X, y).best_epoch_ is None
