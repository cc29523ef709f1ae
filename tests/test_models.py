"""The shared regressor builder (course_utils.models)."""

import numpy as np
import pytest

from course_utils.models import build_regressor


def test_default_is_the_classic_lstm50_dense1():
    model = build_regressor(window=10)
    assert model.input_shape == (None, 10, 1) and model.output_shape == (None, 1)
    assert [layer.name for layer in model.layers] == ["lstm_1", "dense"]
    assert model.count_params() == 4 * 50 * (1 + 50 + 1) + 51
    assert model.loss == "mse" and model.optimizer is not None


def test_stacked_bidirectional_gru_with_dropout():
    model = build_regressor(
        12, features=3, units=8, layers=2, cell="GRU", dropout=0.2, bidirectional=True, horizon=4
    )
    names = [layer.name for layer in model.layers]
    assert names == ["bidirectional_1", "dropout_1", "bidirectional_2", "dropout_2", "dense"]
    assert model.layers[0].output.shape == (None, 12, 16), "return_sequences on all but the last"
    assert model.output_shape == (None, 4)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"window": 0}, ValueError, "window must be >= 1"),
        ({"window": 5, "units": 0}, ValueError, "units must be >= 1"),
        ({"window": 5, "layers": 1.5}, TypeError, "layers must be an int"),
        ({"window": 5, "cell": "rnn"}, ValueError, "cell must be one of"),
        ({"window": 5, "dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\)"),
        ({"window": 5, "dropout": "0.1"}, TypeError, "dropout must be a number"),
        ({"window": 5, "bidirectional": 1}, TypeError, "bidirectional must be True or False"),
        ({"window": 5, "learning_rate": 0}, ValueError, "learning_rate must be > 0"),
        ({"window": 5, "learning_rate": None}, TypeError, "learning_rate must be a number"),
        ({"window": 5, "learning_rate": float("inf")}, ValueError, "learning_rate must be finite"),
        ({"window": 5, "dropout": float("nan")}, ValueError, "dropout must be finite"),
        ({"window": 5, "units": np.int64(0)}, ValueError, "units must be >= 1"),
        ({"window": 5, "name": ""}, ValueError, "name must be a non-empty string"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_regressor(**kwargs)


def test_recurrent_dropout_and_norm_between_stacked_layers():
    model = build_regressor(8, units=4, layers=3, recurrent_dropout=0.25, norm="layer")
    names = [layer.name for layer in model.layers]
    assert names == ["lstm_1", "layer_norm_1", "lstm_2", "layer_norm_2", "lstm_3", "dense"]
    assert all(model.get_layer(f"lstm_{i}").recurrent_dropout == 0.25 for i in (1, 2, 3))
    batch = build_regressor(8, units=4, layers=2, cell="gru", norm="BATCH")
    assert [layer.name for layer in batch.layers] == ["gru_1", "batch_norm_1", "gru_2", "dense"]
    assert build_regressor(8, units=4, layers=2, norm=None).count_params() == (
        build_regressor(8, units=4, layers=2).count_params()
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"recurrent_dropout": 1.0}, ValueError, r"recurrent_dropout must be in \[0, 1\)"),
        ({"recurrent_dropout": -0.1}, ValueError, r"recurrent_dropout must be in \[0, 1\)"),
        ({"recurrent_dropout": None}, TypeError, "recurrent_dropout must be a number"),
        ({"norm": "group", "layers": 2}, ValueError, "norm must be one of"),
        ({"norm": 1, "layers": 2}, ValueError, "norm must be one of"),
        ({"norm": "layer"}, ValueError, "needs layers >= 2"),
    ],
)
def test_bad_lesson_04_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_regressor(5, **kwargs)


def test_build_regressor_takes_a_learning_rate_schedule():
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=10)
    model = build_regressor(window=4, units=3, learning_rate=schedule)
    assert model.optimizer.learning_rate is not None
    x, y = np.zeros((8, 4, 1), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    # after 2 of the 10 decay steps the rate has left 3e-3 along the cosine
    assert float(model.optimizer.learning_rate) < 3e-3
    assert float(model.optimizer.learning_rate) == pytest.approx(
        3e-3 * 0.5 * (1 + np.cos(0.2 * np.pi)), rel=1e-5
    )
