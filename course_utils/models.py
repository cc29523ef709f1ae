"""Small model builders shared by several lessons.

Introduced in ``notebooks/03_sine_forecasting.ipynb``, which first writes the same model out
layer by layer (``keras.Input`` → ``LSTM(50)`` → ``Dense(1)``) before using this shortcut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_utils import validate

if TYPE_CHECKING:
    import keras

CELLS = ("lstm", "gru")
#: What ``build_regressor(norm=...)`` accepts: no normalisation, ``LayerNormalization`` or
#: ``BatchNormalization`` between stacked recurrent layers (lesson 04).
NORMS = (None, "layer", "batch")


def build_regressor(
    window: int,
    features: int = 1,
    *,
    units: int = 50,
    layers: int = 1,
    cell: str = "lstm",
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    norm: str | None = None,
    bidirectional: bool = False,
    horizon: int = 1,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    name: str = "regressor",
):
    """A compiled recurrent regressor: windows (window, features) → the next ``horizon`` values.

    ``layers`` recurrent layers of ``units`` each (all but the last with
    ``return_sequences=True``), each optionally wrapped in ``Bidirectional`` and followed by a
    ``Dropout(dropout)`` layer, then ``Dense(horizon)``. Compiled with Adam and MSE.
    ``recurrent_dropout`` is passed to every recurrent layer (it drops units of the state fed
    back at each step); ``norm`` puts a normalisation layer between stacked recurrent layers.
    Layers are named (``<cell>_1``, ``dense``...) so summaries are stable across re-runs.

    Parameters
    ----------
    window, features
        the input shape of one sample.
    units
        cells per recurrent layer; layers: how many stacked layers (>= 1).
    cell
        ``"lstm"`` or ``"gru"``.
    dropout
        rate of the ``Dropout`` layer after each recurrent layer, in [0, 1).
    recurrent_dropout
        the recurrent layers' ``recurrent_dropout``, in [0, 1) (lesson 04).
    norm
        ``None``, ``"layer"`` (``LayerNormalization``) or ``"batch"``
        (``BatchNormalization``) after every recurrent layer but the last; needs
        ``layers >= 2`` (lesson 04).
    bidirectional
        wrap each recurrent layer in ``keras.layers.Bidirectional``.
    horizon
        outputs of the final ``Dense`` layer.
    learning_rate
        Adam's step size: a number, or a Keras schedule of it such as
        ``keras.optimizers.schedules.CosineDecay`` (exercise 3.1).

    Examples
    --------
    >>> model = build_regressor(window=10, units=8)
    >>> model.count_params()
    329
    >>> import keras
    >>> schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=300)
    >>> model = build_regressor(window=10, units=8, learning_rate=schedule)
    >>> round(float(model.optimizer.learning_rate), 4)  # the schedule's rate before any step
    0.003
    """
    import keras

    window = validate.positive_int(window, "window")
    features = validate.positive_int(features, "features")
    units = validate.positive_int(units, "units")
    layers = validate.positive_int(layers, "layers")
    horizon = validate.positive_int(horizon, "horizon")
    if not isinstance(cell, str) or cell.lower() not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    for rate, rate_name in ((dropout, "dropout"), (recurrent_dropout, "recurrent_dropout")):
        if not 0.0 <= validate.finite_float(rate, rate_name) < 1.0:
            raise ValueError(f"{rate_name} must be in [0, 1), got {rate}")
    if norm is not None and (not isinstance(norm, str) or norm.lower() not in NORMS[1:]):
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    if norm is not None and layers < 2:
        raise ValueError(
            f"norm goes between stacked recurrent layers: it needs layers >= 2, got {layers}"
        )
    bidirectional = validate.flag(bidirectional, "bidirectional")
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        learning_rate = validate.finite_float(
            learning_rate, "learning_rate", low=0.0, low_inclusive=False
        )
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")

    cell = cell.lower()
    layer_class = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    stack: list = [keras.Input(shape=(window, features), name="window")]
    for index in range(1, layers + 1):
        recurrent = layer_class(
            units,
            return_sequences=index < layers,
            recurrent_dropout=float(recurrent_dropout),
            name=f"{cell}_{index}",
        )
        if bidirectional:
            recurrent = keras.layers.Bidirectional(recurrent, name=f"bidirectional_{index}")
        stack.append(recurrent)
        if dropout > 0:
            stack.append(keras.layers.Dropout(float(dropout), name=f"dropout_{index}"))
        if norm is not None and index < layers:
            norm_class = (
                keras.layers.LayerNormalization
                if norm.lower() == "layer"
                else keras.layers.BatchNormalization
            )
            stack.append(norm_class(name=f"{norm.lower()}_norm_{index}"))
    stack.append(keras.layers.Dense(horizon, name="dense"))
    model = keras.Sequential(stack, name=name)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model
