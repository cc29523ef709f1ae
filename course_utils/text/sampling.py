"""Temperature sampling from a character model: carrying its state, or re-running a window.

Introduced in ``notebooks/06_text_generation.ipynb``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils import validate
from course_utils.text.corpus import CharVocab
from course_utils.text.scoring import log2_probs, predictor
from course_utils.text.step_model import StepModel


def _check_temperature(temperature: Any) -> float:
    try:
        return validate.finite_float(temperature, "temperature", low=0.0, low_inclusive=False)
    except ValueError:
        raise ValueError(
            f"temperature must be a finite number > 0, got {temperature} "
            "(for the single most likely character use a small value such as 0.05)"
        ) from None


def _check_sampling(
    vocab: Any, seed_text: Any, n_chars: Any, rng: Any
) -> tuple[int, np.random.Generator]:
    if not isinstance(vocab, CharVocab):
        raise TypeError(f"vocab must be a CharVocab, got {type(vocab).__name__}")
    if not isinstance(seed_text, str):
        raise TypeError(f"seed_text must be a str, got {type(seed_text).__name__}")
    if not seed_text:
        raise ValueError("seed_text is empty: give the model at least one character to start")
    unknown = vocab.unknown_chars(seed_text)
    if unknown:
        raise ValueError(f"seed_text has characters the vocabulary does not know: {unknown}")
    n_chars = validate.positive_int(n_chars, "n_chars", minimum=0)
    if rng is None:
        rng = np.random.default_rng()
    return n_chars, validate.as_generator(rng)


def _draw(outputs: np.ndarray, size: int, temperature: float, rng: np.random.Generator) -> int:
    """Draw the next id from one step's logits (or probabilities) at a temperature."""
    outputs = np.asarray(outputs)
    if outputs.shape != (size,):
        raise ValueError(
            f"the model returns shape {outputs.shape} per step: expected a distribution over "
            f"the {size} ids of the vocabulary"
        )
    scaled = log2_probs(outputs, None) / temperature
    scaled[CharVocab.UNKNOWN_ID] = -np.inf  # the unknown id is never sampled
    p = np.exp2(scaled - scaled.max())
    return int(rng.choice(size, p=p / p.sum()))


def sample_text(
    model: Any,
    vocab: CharVocab,
    seed_text: str,
    n_chars: int,
    temperature: float = 1.0,
    rng: np.random.Generator | int | None = None,
) -> str:
    """Generate ``n_chars`` characters after ``seed_text``, carrying the model's state.

    The model reads ``seed_text`` one character at a time (a :class:`StepModel` built from its
    weights), then for every new character returns a distribution ``p`` over the next one; we
    draw from ``p ** (1 / temperature)`` renormalised (the softmax of ``logits / temperature``)
    and feed the drawn character back in. Temperatures below 1 sharpen the distribution (safer,
    more repetitive text), above 1 flatten it (more surprising, more mistakes). The unknown id is
    never sampled. Each new character costs one step of the network, and the state remembers the
    whole sample, not only the last window. Returns only the new characters.

    Introduced in ``notebooks/06_text_generation.ipynb``.

    Examples
    --------
    An untrained model writes noise, but only characters of its vocabulary:

    >>> import keras
    >>> from course_utils.text import CharVocab
    >>> vocab = CharVocab("abc ")
    >>> layers = [keras.layers.Embedding(5, 4), keras.layers.GRU(8), keras.layers.Dense(5)]
    >>> model = keras.Sequential([keras.Input((None,), dtype="int32"), *layers])
    >>> new = sample_text(model, vocab, "ab", 12, temperature=0.7, rng=0)
    >>> len(new), set(new) <= set("abc ")
    (12, True)
    >>> sample_text(model, vocab, "ab", 12, temperature=0.7, rng=0) == new  # the same draws
    True

    Raises
    ------
    ValueError
        ``temperature`` <= 0, an empty ``seed_text``, characters of ``seed_text``
        the vocabulary does not know, ``n_chars`` < 0, or a model that is not an
        ``Embedding`` → ``LSTM``/``GRU`` → ``Dense`` stack over this vocabulary.
    """
    temperature = _check_temperature(temperature)
    n_chars, generator = _check_sampling(vocab, seed_text, n_chars, rng)
    step = model if isinstance(model, StepModel) else StepModel(model)
    if step.vocab_size != len(vocab):
        raise ValueError(
            f"the model's Embedding reads {step.vocab_size} ids, the vocabulary has {len(vocab)}: "
            "use the vocabulary the model was trained with"
        )
    step.reset()
    outputs = step.feed(vocab.encode(seed_text))
    new = np.zeros(n_chars, dtype=np.int32)
    for k in range(n_chars):
        new[k] = _draw(outputs, len(vocab), temperature, generator)
        outputs = step.step(int(new[k]))
    return vocab.decode(new)


def sample_text_windowed(
    model: Any,
    vocab: CharVocab,
    seed_text: str,
    n_chars: int,
    temperature: float = 1.0,
    rng: np.random.Generator | int | None = None,
    *,
    context: int = 100,
) -> str:
    """Generate like :func:`sample_text`, but re-run the last ``context`` characters every step.

    The simple way to sample a model trained on windows: for each new character, run the whole
    model on the last ``context`` characters and keep the last prediction. It costs ``context``
    LSTM steps per character and forgets everything older than the window; the lesson uses it to
    show why :func:`sample_text` carries the state instead. The same ``rng`` gives the same text
    as :func:`sample_text` while the text is shorter than ``context`` (up to rounding).

    Introduced in ``notebooks/06_text_generation.ipynb``.

    Any object with ``predict_on_batch`` will do; this one predicts the character that
    follows the last one in the alphabet of its vocabulary, for sure:

    >>> from course_utils.text import CharVocab
    >>> vocab = CharVocab("abcd")  # ids: 0 unknown, 1 a, 2 b, 3 c, 4 d
    >>> class NextLetter:
    ...     def predict_on_batch(self, ids):
    ...         nxt = np.minimum(ids + 1, 4)  # d is followed by d
    ...         return np.eye(5)[nxt] * 50.0  # logits: one id far above the rest
    >>> sample_text_windowed(NextLetter(), vocab, "ab", 4, rng=0, context=3)
    'cddd'
    """
    temperature = _check_temperature(temperature)
    n_chars, generator = _check_sampling(vocab, seed_text, n_chars, rng)
    context = validate.positive_int(context, "context")
    ids = np.zeros(len(seed_text) + n_chars, dtype=np.int32)
    ids[: len(seed_text)] = vocab.encode(seed_text)
    end = len(seed_text)
    predict = predictor(model)
    for _ in range(n_chars):
        outputs = np.asarray(predict(ids[max(0, end - context) : end][None, :]))
        if outputs.ndim == 3:
            outputs = outputs[:, -1]
        ids[end] = _draw(outputs[0], len(vocab), temperature, generator)
        end += 1
    return vocab.decode(ids[len(seed_text) :])
