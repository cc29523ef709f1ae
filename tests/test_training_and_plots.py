"""The progress callback (course_utils.training) and the shared plots (course_utils.plots)."""

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.plots import plot_forecast, plot_learning_curves
from course_utils.training import ProgressCallback


def _fit(epochs, callback, validation=False):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    kwargs = {"validation_data": (x, y)} if validation else {}
    model.fit(x, y, epochs=epochs, verbose=0, callbacks=[callback], **kwargs)


def test_about_ten_lines_whatever_the_epochs(capsys):
    _fit(40, ProgressCallback(), validation=True)
    lines = capsys.readouterr().out.splitlines()
    assert 10 <= len(lines) <= 12
    assert lines[0].startswith("epoch  1/40 · loss ")
    assert "val_loss" in lines[0] and lines[0].endswith(" s")
    assert lines[-2].startswith("epoch 40/40")
    assert lines[-1].startswith("trained 40 epochs in ") and "final loss" in lines[-1]


def test_every_and_digits(capsys):
    _fit(6, ProgressCallback(every=3, digits=2))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" · ")[0] for line in lines[:-1]] == ["epoch 1/6", "epoch 3/6", "epoch 6/6"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"every": 0}, ValueError),
        ({"every": 2.5}, TypeError),
        ({"every": True}, TypeError),
        ({"digits": 0}, ValueError),
        ({"digits": "3"}, ValueError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        ProgressCallback(**kwargs)


def test_learning_curves_single_and_compared_runs():
    ax = plot_learning_curves({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]})
    assert [line.get_label() for line in ax.get_lines()] == ["train", "validation"]
    assert ax.get_yscale() == "log"
    runs = {"lstm": {"loss": [1, 0.5]}, "rnn": {"loss": [1, 0.9], "val_loss": [1, 1]}}
    ax = plot_learning_curves(runs, log_y=False)
    assert [line.get_label() for line in ax.get_lines()] == [
        "lstm train",
        "rnn train",
        "rnn validation",
    ]
    plt.close("all")


def test_learning_curves_bad_input():
    with pytest.raises(TypeError, match="keras History"):
        plot_learning_curves([1, 2, 3])
    with pytest.raises(ValueError, match="metric 'mae' not in history"):
        plot_learning_curves({"loss": [1.0]}, metric="mae")
    plt.close("all")


def test_forecast_plot_and_length_checks():
    ax = plot_forecast([1, 2, 3], {"a": [1, 1, 2], "b": [0, 1, 2]}, x=[10, 11, 12])
    assert [line.get_label() for line in ax.get_lines()] == ["truth", "a", "b"]
    with pytest.raises(ValueError, match="prediction 'a' has 2 points but truth has 3"):
        plot_forecast([1, 2, 3], {"a": [1, 2]})
    with pytest.raises(ValueError, match="x has 2 points"):
        plot_forecast([1, 2, 3], {}, x=[0, 1])
    plt.close("all")
