"""Small builders shared by the tests (not a test module): import them, ``from helpers import``.

Fixtures shared by several test files are in ``tests/conftest.py``; this module holds what a
test uses as a plain value (a parameter of ``pytest.mark.parametrize``, a builder it calls).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np

from course_utils.text import CharVocab

#: The repository's root folder (tests/ is one level below it, test files up to two).
ROOT = Path(__file__).resolve().parent.parent


def stub(*args, **kwargs):
    """An exercise that is not done: what the exercise builder's stub raises."""
    raise NotImplementedError("Exercise N.M: replace this line with your code")


def make_notebook(path: Path, cells: list[tuple[str, str] | tuple[str, str, list[str]]]) -> Path:
    """Write a notebook of ``(kind, source[, tags])`` cells, kind "md" or "code"."""
    nb = nbformat.v4.new_notebook()
    for index, cell in enumerate(cells):
        kind, source, *rest = cell
        tags = rest[0] if rest else []
        metadata = {"tags": tags} if tags else {}
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(new(source, metadata=metadata, id=f"cell-{index}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# --- character models for the tests of course_utils.text and its checks ----------------------


class ConstantModel:
    """A stand-in for a Keras model: the same distribution for every position."""

    def __init__(self, probs, logits=False):
        self.out = np.log(probs) if logits else np.asarray(probs, dtype=np.float64)

    def predict_on_batch(self, x):
        x = np.asarray(x)
        return np.broadcast_to(self.out, (*x.shape, self.out.size)).copy()


def tiny_model(cell="LSTM", vocab_text="abcd ", last=None):
    import keras

    vocab = CharVocab(vocab_text)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 4),
            getattr(keras.layers, cell)(8, return_sequences=True),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(len(vocab), activation=last),
        ]
    )
    return model, vocab


def constant_keras_model(probs):
    """A Keras character model whose next-character distribution is ``probs`` at every step."""
    model, vocab = tiny_model(vocab_text="abc")
    dense = model.layers[-1]
    logits = np.log(np.clip(probs, 1e-30, None))
    dense.set_weights([np.zeros_like(dense.get_weights()[0]), logits.astype("float32")])
    return model, vocab
