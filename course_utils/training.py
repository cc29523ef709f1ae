"""Training helpers: the compact progress display every notebook uses for training longer than a
few seconds.

Introduced in ``notebooks/00_setup_and_tour.ipynb``.
"""

from __future__ import annotations

import time
from typing import Any

import keras

from course_utils import validate


class ProgressCallback(keras.callbacks.Callback):
    """Print one short line every few epochs and a summary at the end (use with ``verbose=0``).

    About ten lines for any run length, so stored notebooks stay short; each line shows the
    epoch, the logged metrics and the seconds since training started.

    Parameters
    ----------
    every
        print every ``every`` epochs; by default about ten lines per run.
    digits
        significant digits of the metrics.

    Examples
    --------
    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> x = np.zeros((8, 3), "float32"); y = np.zeros((8, 1), "float32")
    >>> progress = ProgressCallback()
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[progress])  # doctest: +ELLIPSIS
    epoch 1/2 · loss 0 · ... s
    epoch 2/2 · loss 0 · ... s
    trained 2 epochs in ... s · final loss 0
    """

    def __init__(self, every: int | None = None, digits: int = 3) -> None:
        super().__init__()
        if every is not None:
            every = validate.positive_int(every, "every")
        try:
            digits = validate.integer(digits, "digits", low=1, high=11)
        except TypeError:  # a ValueError, as it always was
            raise ValueError(f"digits must be an int in 1..10, got {digits!r}") from None
        self.every = every
        self.digits = digits
        self._started = 0.0
        self._epochs = 0
        self._last: dict[str, Any] = {}
        self._done = 0

    def _format(self, logs: dict[str, Any]) -> str:
        parts = []
        for name, value in logs.items():
            if name == "learning_rate":
                continue
            parts.append(f"{name} {float(value):.{self.digits}g}")
        return " · ".join(parts)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._started = time.perf_counter()
        self._epochs = int(self.params.get("epochs") or 0)
        self._done = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._last = dict(logs or {})
        self._done = epoch + 1
        every = self.every or max(1, round(self._epochs / 10))
        if self._done % every == 0 or self._done == 1 or self._done == self._epochs:
            elapsed = time.perf_counter() - self._started
            width = len(str(self._epochs))
            print(
                f"epoch {self._done:>{width}}/{self._epochs} · {self._format(self._last)} · "
                f"{elapsed:.1f} s",
                flush=True,
            )

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        elapsed = time.perf_counter() - self._started
        final = self._format(self._last)
        print(f"trained {self._done} epochs in {elapsed:.1f} s · final {final}", flush=True)
