"""Character n-gram baselines, in bits per character: add-alpha and interpolated Kneser-Ney.

Introduced in ``notebooks/06_text_generation.ipynb``.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import Any

import numpy as np

from course_utils import validate


def _check_texts(train_text: Any, test_text: Any) -> None:
    for name, value in (("train_text", train_text), ("test_text", test_text)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        if not value:
            raise ValueError(f"{name} is empty")


def add_alpha_bits_per_char(
    train_text: str, test_text: str, order: int, alpha: float = 0.1
) -> float:
    """Bits per character of an add-``alpha`` smoothed character n-gram model on ``test_text``.

    The model predicts each character from the ``order - 1`` characters before it (``order=1``
    is the unigram model: character frequencies only), with probabilities counted on
    ``train_text``:

    .. math:: P(c \\mid h) = \\frac{N(h c) + \\alpha}{N(h) + \\alpha V}

    where ``V`` is the number of distinct training characters plus one bucket for characters
    never seen in training. Both texts are padded at the start with ``order - 1`` NUL
    characters, so the first characters are predicted from a short context.

    >>> round(add_alpha_bits_per_char("abab" * 50, "abab" * 5, order=2, alpha=0.01), 3)
    0.002
    >>> # the unigram model (order=1) of a text that is half a, half b: 1 bit
    >>> round(add_alpha_bits_per_char("ab" * 50, "ab" * 5, order=1, alpha=0.001), 3)
    1.0

    Raises
    ------
    ValueError
        an empty text, ``order`` < 1 or ``alpha`` <= 0.
    """
    _check_texts(train_text, test_text)
    order = validate.positive_int(order, "order")
    alpha = validate.finite_float(alpha, "alpha", low=0.0, low_inclusive=False)
    context = order - 1
    pad = "\0" * context
    train, test = pad + train_text, pad + test_text
    size = len(set(train_text)) + 1  # + one bucket for characters never seen in training
    grams = Counter(train[i - context : i + 1] for i in range(context, len(train)))
    if context:
        histories = Counter(train[i - context : i] for i in range(context, len(train)))
    else:
        histories = Counter({"": len(train_text)})
    total = 0.0
    for i in range(context, len(test)):
        gram = test[i - context : i + 1]
        p = (grams.get(gram, 0) + alpha) / (histories.get(gram[:-1], 0) + alpha * size)
        total -= math.log2(p)
    return total / len(test_text)


@functools.lru_cache(maxsize=8)
def _gram_counts(text: str, k: int) -> Counter[str]:
    """How often each ``k``-character substring occurs in ``text`` (cached: tuning reuses it)."""
    return Counter(text[i : i + k] for i in range(len(text) - k + 1))


@functools.lru_cache(maxsize=8)
def _kn_level(
    text: str, k: int, highest: bool
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The counts one level of a Kneser-Ney model needs, for contexts of ``k - 1`` characters.

    Returns ``(counts, totals, types)``: ``counts[g]`` for each ``k``-gram ``g`` is its raw count
    (``highest``) or its continuation count, the number of distinct characters seen just before
    it; ``totals[h]`` sums ``counts`` over the ``k``-grams that start with context ``h``, and
    ``types[h]`` is how many distinct characters follow ``h``.
    """
    if highest:
        counts: dict[str, int] = dict(_gram_counts(text, k))
    else:
        counts = dict(Counter(gram[1:] for gram in _gram_counts(text, k + 1)))
    totals: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for gram, n in counts.items():
        totals[gram[:-1]] += n
        types[gram[:-1]] += 1
    return counts, dict(totals), dict(types)


def kneser_ney_char_bits(
    train_text: str, test_text: str, order: int, discount: float = 0.75
) -> np.ndarray:
    """The bits an interpolated Kneser-Ney character n-gram model pays for each test character.

    Returns one number per character of ``test_text``, ``-log2 P(c_t | previous characters)``;
    :func:`kneser_ney_bits_per_char` is their mean.

    The strongest cheap baseline for a character language model (Kneser & Ney 1995; Chen &
    Goodman 1998). Each level subtracts one absolute discount ``D`` from every count and gives
    the mass it freed to the level below, which uses one character less of context:

    .. math:: P_k(c \\mid h) = \\frac{\\max(N_k(hc) - D, 0)}{\\sum_{c'} N_k(hc')}
        + \\frac{D \\, T_k(h)}{\\sum_{c'} N_k(hc')} \\, P_{k-1}(c \\mid h_{2:})

    where ``T_k(h)`` is the number of distinct characters seen after ``h``. The highest level
    (``order``) uses raw counts ``N``; every lower level uses *continuation counts*, the number of
    distinct characters seen just before ``hc``: a character that is frequent only inside one
    common word (the ``q`` of ``quote``) then gets little probability in new contexts. Below the
    unigram level sits the uniform distribution over the characters of ``train_text`` and
    ``test_text``, so no character gets probability 0. A context never seen in training hands
    all its mass to the level below; the first ``order - 1`` characters of ``test_text`` use the
    orders their shorter context allows.

    Introduced in ``notebooks/06_text_generation.ipynb``.

    >>> kneser_ney_char_bits("ab" * 50, "abba", order=2).round(2)
    array([1.  , 0.01, 7.03, 0.01])

    Raises
    ------
    TypeError
        a text is not a str, ``order`` is not an int or ``discount`` not a number.
    ValueError
        an empty text, ``order`` < 1 or ``discount`` outside (0, 1).
    """
    _check_texts(train_text, test_text)
    order = validate.positive_int(order, "order")
    discount = validate.finite_float(
        discount, "discount", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    uniform = 1.0 / len(set(train_text) | set(test_text))
    p = np.full(len(test_text), uniform)
    for k in range(1, order + 1):
        counts, norms, types = _kn_lookups(train_text, test_text, k, k == order)
        seen = norms > 0  # a context never seen in training: the lower order speaks for it
        higher = (np.maximum(counts - discount, 0.0) + discount * types * p) / np.where(
            seen, norms, 1
        )
        p = np.where(seen, higher, p)
    return -np.log2(p)


@functools.lru_cache(maxsize=32)
def _kn_lookups(
    train_text: str, test_text: str, k: int, highest: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each test position: the level-``k`` count of its gram, its context's total and types.

    Positions whose context is shorter than ``k - 1`` characters (the first ones) or was never
    seen in training get a total of 0. Cached: tuning the discount reuses the lookups.
    """
    counts, totals, types = _kn_level(train_text, k, highest)
    n = len(test_text)
    gram_counts, norms, kinds = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(k - 1, n):
        context = test_text[i - k + 1 : i]
        norm = totals.get(context)
        if norm is None:
            continue
        norms[i] = norm
        kinds[i] = types[context]
        gram_counts[i] = counts.get(test_text[i - k + 1 : i + 1], 0)
    return gram_counts, norms, kinds


def kneser_ney_bits_per_char(
    train_text: str, test_text: str, order: int, discount: float = 0.75
) -> float:
    """Bits per character of an interpolated Kneser-Ney character n-gram model on ``test_text``.

    The mean of :func:`kneser_ney_char_bits` (see there for the model): the strongest cheap
    baseline for a character language model. Choose ``order`` and ``discount`` on a validation
    text, never on the text you report.

    Introduced in ``notebooks/06_text_generation.ipynb``.

    >>> round(kneser_ney_bits_per_char("abab" * 50, "abab" * 5, order=3), 2)
    0.09
    >>> round(kneser_ney_bits_per_char("ab" * 50, "ab" * 5, order=1, discount=0.5), 3)  # 1 bit
    1.0
    """
    return float(kneser_ney_char_bits(train_text, test_text, order, discount).mean())
