"""A trained Keras character model run one character at a time in NumPy, carrying its state.

Introduced in ``notebooks/06_text_generation.ipynb``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils import validate
from course_utils.lstm_numpy import gru_step, lstm_step, sigmoid, softmax, weights_from_keras


def _activation(layer: Any, attribute: str) -> Any:
    """The NumPy version of a recurrent layer's ``activation`` or ``recurrent_activation``."""
    name = getattr(getattr(layer, attribute), "__name__", "")
    functions = {
        "tanh": np.tanh,
        "sigmoid": sigmoid,
        "relu": lambda z: np.maximum(z, 0.0),
        "linear": lambda z: z,
        "softmax": softmax,
    }
    if name not in functions:
        raise ValueError(f"layer {layer.name!r}: {attribute} {name!r} is not supported")
    return functions[name]


class StepModel:
    """A trained character model run **one character at a time**, carrying its recurrent state.

    Built from the weights of a Keras model made of ``Embedding`` → ``LSTM``/``GRU`` layers →
    ``Dense`` layers (``Dropout`` is skipped, as at inference), it runs lesson 01's equations in
    NumPy: each :meth:`step` reads one id, updates every recurrent layer's state (``h`` and
    ``c`` for an LSTM, ``h`` for a GRU) and returns the logits of the next character. Generating
    ``N`` characters then costs ``N`` steps, and the state remembers the whole text so far,
    while re-running a window of ``W`` characters for every new one costs ``W·N`` steps and
    forgets everything older than the window.

    The weights are copied when the step model is built: training the Keras model afterwards
    does not change it.

    Introduced in ``notebooks/06_text_generation.ipynb``.

    An untrained model: the step model gives what Keras gives after the same characters.

    >>> import keras
    >>> from course_utils.text import CharVocab
    >>> vocab = CharVocab("abc ")
    >>> keras.utils.set_random_seed(0)
    >>> model = keras.Sequential([
    ...     keras.Input((None,), dtype="int32"),
    ...     keras.layers.Embedding(len(vocab), 4),
    ...     keras.layers.LSTM(8, return_sequences=True),
    ...     keras.layers.Dense(len(vocab)),
    ... ])
    >>> step = StepModel(model)
    >>> logits = step.feed(vocab.encode("ab c"))
    >>> logits.shape
    (5,)
    >>> keras_logits = model(vocab.encode("ab c")[None], training=False)[0, -1]
    >>> bool(np.allclose(logits, keras_logits, atol=1e-5))
    True
    """

    def __init__(self, model: Any) -> None:
        import keras

        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
        self._layers: list[tuple[str, Any]] = []
        kinds = []
        for layer in model.layers:
            kind = type(layer).__name__
            weights = [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]
            if kind == "InputLayer" or kind == "Dropout":
                continue
            kinds.append(kind)
            if kind == "Embedding":
                self._layers.append(("embedding", weights[0]))
            elif kind in ("LSTM", "GRU"):
                if getattr(layer, "go_backwards", False):
                    raise ValueError(f"layer {layer.name!r} reads backwards: it cannot generate")
                act = _activation(layer, "activation")
                rec = _activation(layer, "recurrent_activation")
                cell = weights_from_keras(layer, any_activations=True)  # GRU: reset_after=True
                self._layers.append((kind.lower(), (cell, act, rec, layer.units)))
            elif kind == "Dense":
                bias = weights[1] if len(weights) > 1 else 0.0
                self._layers.append(("dense", (weights[0], bias, _activation(layer, "activation"))))
            else:
                raise ValueError(
                    f"StepModel supports Embedding → LSTM/GRU → Dense models; layer {layer.name!r} "
                    f"is a {kind}"
                )
        if not kinds or kinds[0] != "Embedding" or not any(k in ("LSTM", "GRU") for k in kinds):
            raise ValueError(
                f"StepModel needs an Embedding first and at least one LSTM or GRU, got {kinds}"
            )
        self.vocab_size = int(self._layers[0][1].shape[0])
        self.reset()

    def reset(self) -> None:
        """Forget the text read so far: every state back to zeros."""
        self._states: list[list[np.ndarray]] = []
        for kind, params in self._layers:
            if kind == "lstm":
                self._states.append([np.zeros(params[3]), np.zeros(params[3])])
            elif kind == "gru":
                self._states.append([np.zeros(params[3])])

    def step(self, char_id: int) -> np.ndarray:
        """Read one id, update the states, and return the logits (or probabilities) that follow."""
        char_id = validate.positive_int(char_id, "char_id", minimum=0)
        if char_id >= self.vocab_size:
            raise ValueError(f"char_id must lie in 0..{self.vocab_size - 1}, got {char_id}")
        states = iter(self._states)
        x: np.ndarray = np.zeros(0)
        for kind, params in self._layers:
            if kind == "embedding":
                x = params[char_id]
            elif kind == "lstm":  # lesson 01's cell, one step
                cell, act, rec, _ = params
                state = next(states)
                state[:] = lstm_step(x, *state, **cell, activation=act, recurrent_activation=rec)
                x = state[0]
            elif kind == "gru":
                cell, act, rec, _ = params
                state = next(states)
                state[0] = gru_step(x, state[0], **cell, activation=act, recurrent_activation=rec)
                x = state[0]
            else:
                kernel, bias, act = params
                x = act(x @ kernel + bias)
        return x

    def feed(self, ids: Any) -> np.ndarray:
        """Read every id of a 1-D sequence in turn; return the output after the last one."""
        array = np.asarray(ids)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"ids must be a non-empty 1-D sequence, got shape {array.shape}")
        out = np.zeros(0)
        for char_id in array.tolist():
            out = self.step(char_id)
        return out
