"""Text for language models: an offline corpus, a character vocabulary, next-character windows,
n-gram baselines (add-alpha and interpolated Kneser-Ney), bits per character, the mixture of two
models' per-character bits, and temperature sampling with a step model that carries the LSTM
state.

Introduced in ``notebooks/06_text_generation.ipynb``.

The default corpus is built at run time from the docstrings of a fixed list of Python
standard-library modules (:data:`CORPUS_MODULES`), so it needs no download. It is deterministic
for a given Python version; other versions have slightly different docstrings, so the exact
number of characters changes a little from one Python to the next.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import math
import numbers
import os
import warnings
import weakref
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import validate

#: The standard-library modules whose docstrings make the default corpus, in this order. They are
#: plain library modules: importing them prints nothing and opens no window or connection (no
#: ``this``, ``antigravity``, ``tkinter``, ``turtle`` or ``idlelib``). A module that does not
#: exist in the running Python is skipped.
CORPUS_MODULES: tuple[str, ...] = (
    "abc", "argparse", "ast", "base64", "bisect", "calendar", "cmd", "codecs", "collections",
    "configparser", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "difflib",
    "doctest", "email.message", "enum", "fileinput", "fnmatch", "fractions", "ftplib",
    "functools", "getopt", "gettext", "glob", "gzip", "heapq", "hmac", "html.parser",
    "http.client", "http.cookiejar", "imaplib", "inspect", "io", "ipaddress", "itertools", "json",
    "locale", "logging", "lzma", "mailbox", "math", "netrc", "numbers", "operator", "optparse",
    "os", "pathlib", "pickle", "pickletools", "platform", "plistlib", "poplib", "pprint", "queue",
    "random", "re", "sched", "secrets", "selectors", "shelve", "shlex", "shutil", "smtplib",
    "socketserver", "ssl", "statistics", "string", "struct", "subprocess", "tarfile",
    "tempfile", "textwrap", "threading", "timeit", "tokenize", "traceback", "types", "typing",
    "unittest.case", "unittest.mock", "urllib.parse", "urllib.request", "uuid", "warnings",
    "weakref", "xml.dom.minidom", "xml.etree.ElementTree", "zipfile", "zoneinfo",
)  # fmt: skip

#: Docstrings shorter than this many characters ("Return self==value.") are left out.
MIN_DOC_CHARS = 40

#: The separator between documents (docstrings, or paragraphs of a text file).
DOCUMENT_SEPARATOR = "\n\n"


def _import_quietly(name: str) -> Any | None:
    """Import a module with its warnings and any printed output swallowed; None if missing."""
    sink = io.StringIO()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("ignore")
        try:
            return importlib.import_module(name)
        except ImportError:
            return None


def _module_docstrings(module: Any) -> Iterable[Any]:
    """The raw docstrings of a module, its public classes and functions and their methods."""
    yield getattr(module, "__doc__", None)
    for key, value in sorted(vars(module).items()):
        if key.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if not callable(value):
            continue
        yield getattr(value, "__doc__", None)
        if inspect.isclass(value):
            for attr, member in sorted(vars(value).items()):
                if attr.startswith("_") and attr != "__init__":
                    continue
                yield getattr(member, "__doc__", None)


def python_docs_corpus(modules: Iterable[str] = CORPUS_MODULES) -> str:
    """The docstrings of ``modules`` (see :data:`CORPUS_MODULES`), one document per docstring.

    Docstrings are dedented (``inspect.cleandoc``), those shorter than :data:`MIN_DOC_CHARS`
    and exact repeats are dropped, and the rest are joined with a blank line.

    >>> text = python_docs_corpus(["json"])
    >>> text[:34]
    'JSON (JavaScript Object Notation) '
    >>> python_docs_corpus("json") == text  # one name is one module
    True

    Raises:
        TypeError: ``modules`` holds something else than module names.
        ValueError: no module of ``modules`` could be imported or has docstrings.
    """
    if isinstance(modules, str):
        modules = [modules]  # one module name, not an iterable of one-letter names
    modules = list(modules)
    if not modules or not all(isinstance(name, str) for name in modules):
        raise TypeError(f"modules must be module names such as ['json', 'csv'], got {modules!r}")
    seen: set[str] = set()
    docs: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some attributes (typing.io, ...) warn when touched
        for name in modules:
            module = _import_quietly(name)
            if module is None:
                continue
            for doc in _module_docstrings(module):
                if not isinstance(doc, str):
                    continue
                doc = inspect.cleandoc(doc).strip()
                if len(doc) >= MIN_DOC_CHARS and doc not in seen:
                    seen.add(doc)
                    docs.append(doc)
    if not docs:
        raise ValueError(f"modules {modules!r}: none of them could be imported or has docstrings")
    return DOCUMENT_SEPARATOR.join(docs)


def load_corpus(
    source: str | os.PathLike[str] = "python-docs", max_chars: int | None = None
) -> str:
    """Load a training text: the offline Python-docstring corpus or a UTF-8 text file.

    Args:
        source: ``"python-docs"`` (the default) for the docstrings of :data:`CORPUS_MODULES`,
            built at run time with no download; or the path of a UTF-8 text file.
        max_chars: keep only the first ``max_chars`` characters (``None``: all of them).

    Example::

        >>> text = load_corpus()
        >>> len(text) > 300_000
        True
        >>> load_corpus(max_chars=26)
        'Abstract Base Classes (ABC'

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is not UTF-8 or holds no text, or ``max_chars`` < 1.
        TypeError: ``source`` is not a string or path, or ``max_chars`` is not an int.
    """
    if max_chars is not None:
        if isinstance(max_chars, bool) or not isinstance(max_chars, numbers.Integral):
            raise TypeError(f"max_chars must be an int or None, got {type(max_chars).__name__}")
        max_chars = validate.positive_int(max_chars, "max_chars")
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"source must be 'python-docs' or a file path, got {type(source).__name__}")
    if isinstance(source, str) and source == "python-docs":
        text = python_docs_corpus()
    else:
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"source: no text file at {str(path)!r}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"source: {str(path)!r} is not a UTF-8 text file ({exc})") from exc
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValueError(f"source: {str(source)!r} holds no text (the corpus is empty)")
    return text if max_chars is None else text[:max_chars]


class CharVocab:
    """A character vocabulary: id 0 stands for unknown characters, ids 1.. for the characters seen.

    Args:
        text: the text whose distinct characters make the vocabulary (sorted, so the same text
            always gives the same ids).

    Example::

        >>> vocab = CharVocab("hello")
        >>> len(vocab), vocab.chars
        (5, ['[UNK]', 'e', 'h', 'l', 'o'])
        >>> vocab.encode("hole")
        array([2, 4, 3, 1], dtype=int32)
        >>> vocab.decode(vocab.encode("hole"))
        'hole'
        >>> vocab.encode("help")  # 'p' was never seen: the unknown id 0
        array([2, 1, 3, 0], dtype=int32)
    """

    UNKNOWN = "[UNK]"
    UNKNOWN_ID = 0

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if not text:
            raise ValueError("text is empty: a vocabulary needs at least one character")
        self.chars: list[str] = [self.UNKNOWN, *sorted(set(text))]
        self._ids = {char: i for i, char in enumerate(self.chars) if i != self.UNKNOWN_ID}
        self._table = np.array(self.chars, dtype=object)

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, char: object) -> bool:
        return char in self._ids

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} ids: unknown + {len(self) - 1} characters)"

    def unknown_chars(self, text: str) -> list[str]:
        """The distinct characters of ``text`` that are not in the vocabulary, sorted.

        >>> CharVocab("abc").unknown_chars("cab!?")
        ['!', '?']
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return sorted(set(text) - self._ids.keys())

    def encode(self, text: str) -> np.ndarray:
        """The ids of the characters of ``text`` (int32); unseen characters get id 0."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        get = self._ids.get
        return np.fromiter((get(c, 0) for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids: Any) -> str:
        """The text of a 1-D sequence of ids (id 0 becomes ``\\ufffd``, the replacement mark)."""
        array = np.asarray(ids)
        if array.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {array.shape}")
        if array.size == 0:
            return ""
        if not np.issubdtype(array.dtype, np.integer):
            raise TypeError(f"ids must be integers, got dtype {array.dtype}")
        if array.min() < 0 or array.max() >= len(self):
            raise ValueError(
                f"ids must lie in 0..{len(self) - 1}, got {array.min()}..{array.max()}"
            )
        chars = self._table[array]
        chars[array == self.UNKNOWN_ID] = "\ufffd"
        return "".join(chars)


def train_val_split_text(text: str, val_fraction: float = 0.1, seed: int = 0) -> tuple[str, str]:
    """Split a text into training and validation parts on document boundaries.

    Documents are the blocks between blank lines (a docstring paragraph, a paragraph of a book).
    Validation is one contiguous run of whole documents holding about ``val_fraction`` of the
    characters, starting at a document drawn with ``seed``. No word is cut in two, and
    neighbouring paragraphs (which often repeat each other's phrases) stay on the same side, so
    the validation text is new to the model rather than a near copy of its training text.

    >>> train, val = train_val_split_text("one\\n\\ntwo\\n\\nthree\\n\\nfour", 0.25, seed=0)
    >>> train, val
    ('one\\n\\ntwo\\n\\nthree', 'four')

    Raises:
        ValueError: ``val_fraction`` is not in (0, 1), or the text has fewer than two documents.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, numbers.Real):
        raise TypeError(f"val_fraction must be a number, got {type(val_fraction).__name__}")
    val_fraction = float(val_fraction)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    seed = validate.seed(seed)
    docs = [d for d in text.split(DOCUMENT_SEPARATOR) if d.strip()]
    if len(docs) < 2:
        raise ValueError(
            "text has fewer than two documents (blocks separated by a blank line): "
            "there is nothing to hold out"
        )
    sizes = np.array([len(d) for d in docs])
    target = val_fraction * sizes.sum()
    remaining = np.cumsum(sizes[::-1])[::-1]  # characters from document i to the end
    starts = np.flatnonzero(remaining >= target)
    start = int(np.random.default_rng(seed).choice(starts))
    stop = start + 1 + int(np.searchsorted(np.cumsum(sizes[start:]), target))
    stop = min(stop, len(docs))
    if start == 0 and stop == len(docs):
        stop -= 1  # always leave at least one document for training
    held = set(range(start, stop))
    train = DOCUMENT_SEPARATOR.join(d for i, d in enumerate(docs) if i not in held)
    val = DOCUMENT_SEPARATOR.join(d for i, d in enumerate(docs) if i in held)
    return train, val


def next_char_windows(
    ids: Any, length: int, stride: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Input/target windows for a sequence-to-sequence next-character model (no Python loop).

    Window ``k`` starts at ``k * stride``: its inputs are ``ids[s : s + length]`` and its targets
    the same characters shifted by one, ``ids[s + 1 : s + length + 1]``, so the model learns to
    predict every next character at once. ``stride`` defaults to ``length`` (windows that do
    not overlap); characters left over at the end are dropped.

    >>> x, y = next_char_windows(np.arange(8), 3)
    >>> x
    array([[0, 1, 2],
           [3, 4, 5]])
    >>> y
    array([[1, 2, 3],
           [4, 5, 6]])
    """
    array = np.asarray(ids)
    if array.ndim != 1:
        raise ValueError(f"ids must be 1-D, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"ids must be integers, got dtype {array.dtype}")
    length = validate.positive_int(length, "length")
    stride = length if stride is None else validate.positive_int(stride, "stride")
    if array.size < length + 1:
        raise ValueError(f"ids has {array.size} items: need at least length + 1 = {length + 1}")
    windows = np.lib.stride_tricks.sliding_window_view(array, length + 1)[::stride]
    return windows[:, :-1].copy(), windows[:, 1:].copy()


def _check_texts(train_text: Any, test_text: Any) -> None:
    for name, value in (("train_text", train_text), ("test_text", test_text)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        if not value:
            raise ValueError(f"{name} is empty")


def ngram_bits_per_char(train_text: str, test_text: str, order: int, alpha: float = 0.1) -> float:
    """Bits per character of an add-``alpha`` smoothed character n-gram model on ``test_text``.

    The model predicts each character from the ``order - 1`` characters before it (``order=1``
    is the unigram model: character frequencies only), with probabilities counted on
    ``train_text``:

    .. math:: P(c \\mid h) = \\frac{N(h c) + \\alpha}{N(h) + \\alpha V}

    where ``V`` is the number of distinct training characters plus one bucket for characters
    never seen in training. Both texts are padded at the start with ``order - 1`` NUL
    characters, so the first characters are predicted from a short context.

    >>> round(ngram_bits_per_char("abab" * 50, "abab" * 5, order=2, alpha=0.01), 3)
    0.002
    >>> round(ngram_bits_per_char("ab" * 50, "ab" * 5, order=1, alpha=0.001), 3)  # unigram: 1 bit
    1.0

    Raises:
        ValueError: an empty text, ``order`` < 1 or ``alpha`` <= 0.
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

    Raises:
        TypeError: a text is not a str, ``order`` is not an int or ``discount`` not a number.
        ValueError: an empty text, ``order`` < 1 or ``discount`` outside (0, 1).
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


def mixture_bits(bits_a: Any, bits_b: Any, lam: float) -> np.ndarray:
    """The bits a linear mixture of two models pays for each character, from their own bits.

    Two models gave the true characters probabilities ``p_a = 2**-bits_a`` and
    ``p_b = 2**-bits_b``; the mixture ``p = lam * p_a + (1 - lam) * p_b`` of their full
    distributions gives each true character exactly that probability, so the per-character bits
    of both models are all it needs. Computed in log space (``numpy.logaddexp2``), so bits of
    several hundred do not underflow to probability 0.

    Mixing an LSTM with an n-gram model this way (the weight chosen on validation text) is how
    Mikolov et al. (2011) showed a recurrent language model adds what n-grams miss.

    Introduced in ``notebooks/06_text_generation.ipynb``.

    Parameters
    ----------
    bits_a, bits_b : array_like of float
        ``-log2 p`` of each true character under model a and model b: the same characters, in
        the same order (same shape), finite and ``>= 0``.
    lam : float
        The weight of model a, in ``[0, 1]`` (0 gives ``bits_b``, 1 gives ``bits_a``).

    Returns
    -------
    numpy.ndarray
        ``-log2(lam * 2**-bits_a + (1 - lam) * 2**-bits_b)``, one number per character
        (float64, the shape of the inputs). Its mean is the mixture's bits per character.

    Raises
    ------
    ValueError
        ``bits_a`` and ``bits_b`` differ in shape, are empty, hold NaN, infinite or negative
        values, or ``lam`` is outside ``[0, 1]`` or not finite.
    TypeError
        ``lam`` is not a number.

    Examples
    --------
    One model is sure (probability 1/2, 1 bit), the other is not (1/8, 3 bits); half-and-half
    gives probability 5/16:

    >>> mixture_bits([1.0, 3.0], [3.0, 1.0], 0.5).round(3)
    array([1.678, 1.678])
    >>> mixture_bits([1.0, 3.0], [3.0, 1.0], 1.0)
    array([1., 3.])
    """
    arrays = []
    for name, bits in (("bits_a", bits_a), ("bits_b", bits_b)):
        array = np.asarray(bits, dtype=np.float64)
        if array.size == 0:
            raise ValueError(f"{name} is empty")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} holds NaN or infinite values")
        if array.min() < 0:
            raise ValueError(f"{name} must be >= 0 (bits of a probability), got {array.min()}")
        arrays.append(array)
    a, b = arrays
    if a.shape != b.shape:
        raise ValueError(
            f"bits_a has shape {a.shape} and bits_b {b.shape}: they must score the same characters"
        )
    lam = validate.finite_float(lam, "lam", low=0.0, high=1.0)
    with np.errstate(divide="ignore"):  # log2(0) = -inf is right for lam = 0 or 1
        log_a, log_b = np.log2(lam), np.log2(1.0 - lam)
    return -np.logaddexp2(log_a - a, log_b - b)


def _log2_probs(outputs: np.ndarray, from_logits: bool | None) -> np.ndarray:
    """log2 of the predicted distributions, from logits or probabilities (detected if None)."""
    outputs = outputs.astype(np.float64)
    if from_logits is None:
        sums = outputs.sum(axis=-1)
        from_logits = not (outputs.min() >= 0 and np.allclose(sums, 1.0, atol=1e-3))
    if from_logits:
        shifted = outputs - outputs.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    else:
        log_probs = np.log(np.clip(outputs, 1e-12, None))
    return log_probs / math.log(2.0)


def char_bits(
    model: Any,
    ids: Any,
    length: int,
    *,
    batch_size: int = 64,
    from_logits: bool | None = None,
) -> np.ndarray:
    """The bits a next-character Keras model pays for each character of ``ids`` after the first.

    Item ``t`` of the result is ``-log2 p(ids[t + 1])`` given the characters before it in its
    window; :func:`bits_per_char` is the mean.

    The ids are cut into non-overlapping windows with :func:`next_char_windows`; every target
    character counts once. The first characters of each window are predicted from a short
    context, so a longer ``length`` measures the model more fairly. The model's outputs may be
    logits or probabilities (detected when ``from_logits`` is ``None``).

    Example::

        >>> char_bits(model, vocab.encode(val_text), length=200)[:3]  # doctest: +SKIP
        array([5.2, 3.1, 0.4])
    """
    x, y = next_char_windows(ids, length)
    batch_size = validate.positive_int(batch_size, "batch_size")
    if x.min() < 0:
        raise ValueError(f"ids must be >= 0, got {x.min()}")
    input_dim = next(
        (
            getattr(layer, "input_dim", None)
            for layer in getattr(model, "layers", [])
            if type(layer).__name__ == "Embedding"
        ),
        None,
    )
    if input_dim is not None and max(x.max(), y.max()) >= input_dim:
        raise ValueError(
            f"ids go up to {max(x.max(), y.max())} but the model's Embedding reads only ids "
            f"0..{input_dim - 1}: encode the text with the vocabulary the model was trained with"
        )
    predict = _predictor(model)  # batch by batch: no tf.data pipeline, one traced graph
    outputs = np.concatenate(
        [np.asarray(predict(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    )
    if outputs.shape[:2] != y.shape:
        raise ValueError(
            f"model outputs have shape {outputs.shape}: expected (windows, length, vocabulary) "
            "= one distribution per input character (LSTM(..., return_sequences=True))"
        )
    if y.max() >= outputs.shape[-1]:
        raise ValueError(
            f"ids go up to {y.max()} but the model predicts only {outputs.shape[-1]} classes"
        )
    log2p = _log2_probs(outputs, from_logits)
    picked = np.take_along_axis(log2p, y[..., None].astype(np.int64), axis=-1)
    return -picked.reshape(-1)


def bits_per_char(
    model: Any,
    ids: Any,
    length: int,
    *,
    batch_size: int = 64,
    from_logits: bool | None = None,
) -> float:
    """Average bits per character a next-character Keras model needs to encode ``ids``.

    The ids are cut into non-overlapping windows with :func:`next_char_windows`; every target
    character counts once (:func:`char_bits` gives them one by one). The first characters of each
    window are predicted from a short context, so a longer ``length`` measures the model more
    fairly. The model's outputs may be logits or probabilities (detected when ``from_logits`` is
    ``None``).

    Introduced in ``notebooks/06_text_generation.ipynb``.

    Example::

        >>> bits_per_char(model, vocab.encode(val_text), length=200)  # doctest: +SKIP
        2.1
    """
    bits = char_bits(model, ids, length, batch_size=batch_size, from_logits=from_logits)
    return float(bits.mean())


_PREDICTORS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _predictor(model: Any) -> Any:
    """A function ids → model outputs that traces once per model for any batch and length.

    ``model.predict_on_batch`` traces a new graph for each new input shape (a sampler's growing
    window, a last smaller batch); TensorFlow then warns about retracing. For a Keras model we
    wrap its call in one ``tf.function`` with a ``(None, None)`` signature instead. Other
    objects only need a ``predict_on_batch`` method.
    """
    import keras

    if not isinstance(model, keras.Model) or keras.backend.backend() != "tensorflow":
        return model.predict_on_batch
    if model not in _PREDICTORS:
        import tensorflow as tf

        spec = tf.TensorSpec(shape=(None, None), dtype=tf.int32)
        ref = weakref.ref(model)  # a strong reference here would keep the entry alive forever
        call = tf.function(lambda ids: ref()(ids, training=False), input_signature=[spec])
        _PREDICTORS[model] = lambda ids: call(np.asarray(ids, dtype=np.int32)).numpy()
    return _PREDICTORS[model]


def _activation(layer: Any, attribute: str) -> Any:
    """The NumPy version of a recurrent layer's ``activation`` or ``recurrent_activation``."""
    name = getattr(getattr(layer, attribute), "__name__", "")
    functions = {
        "tanh": np.tanh,
        "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # = 1 / (1 + exp(-z)), no overflow
        "relu": lambda z: np.maximum(z, 0.0),
        "linear": lambda z: z,
        "softmax": _softmax,
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

    Example::

        >>> step = StepModel(model)  # doctest: +SKIP
        >>> step.reset(); logits = step.feed(vocab.encode("Return the "))  # doctest: +SKIP
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
                if kind == "GRU" and not getattr(layer, "reset_after", True):
                    raise ValueError(
                        f"layer {layer.name!r}: only GRU(reset_after=True) is supported"
                    )
                if len(weights) == 2:  # use_bias=False
                    shape = (2, 3 * layer.units) if kind == "GRU" else (4 * layer.units,)
                    weights.append(np.zeros(shape))
                self._layers.append((kind.lower(), (weights, act, rec, layer.units)))
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
            elif kind == "lstm":
                (kernel, recurrent, bias), act, rec, units = params
                state = next(states)
                h, c = state
                z = x @ kernel + h @ recurrent + bias  # gate order i, f, c, o (lesson 01)
                i, f, g, o = (
                    rec(z[:units]),
                    rec(z[units : 2 * units]),
                    z[2 * units : 3 * units],
                    rec(z[3 * units :]),
                )
                c = f * c + i * act(g)
                h = o * act(c)
                state[:] = [h, c]
                x = h
            elif kind == "gru":
                (kernel, recurrent, bias), act, rec, units = params
                state = next(states)
                h = state[0]
                bias = bias.reshape(2, -1)
                zx = x @ kernel + bias[0]
                zh = h @ recurrent + bias[1]
                update = rec(zx[:units] + zh[:units])
                reset = rec(zx[units : 2 * units] + zh[units : 2 * units])
                candidate = act(zx[2 * units :] + reset * zh[2 * units :])
                h = update * h + (1.0 - update) * candidate
                state[0] = h
                x = h
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


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _check_temperature(temperature: Any) -> float:
    if isinstance(temperature, bool | np.bool_) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(
            f"temperature must be a finite number > 0, got {temperature} "
            "(for the single most likely character use a small value such as 0.05)"
        )
    return float(temperature)


def _check_sampling(vocab: Any, seed_text: Any, n_chars: Any, rng: Any) -> tuple[int, Any]:
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
    scaled = _log2_probs(outputs, None) / temperature
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

    Example::

        >>> sample_text(model, vocab, "Return the ", 200, temperature=0.7, rng=0)  # doctest: +SKIP

    Raises:
        ValueError: ``temperature`` <= 0, an empty ``seed_text``, characters of ``seed_text``
            the vocabulary does not know, ``n_chars`` < 0, or a model that is not an
            ``Embedding`` → ``LSTM``/``GRU`` → ``Dense`` stack over this vocabulary.
    """
    temperature = _check_temperature(temperature)
    n_chars, rng = _check_sampling(vocab, seed_text, n_chars, rng)
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
        new[k] = _draw(outputs, len(vocab), temperature, rng)
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

    Example::

        >>> sample_text_windowed(model, vocab, "Return ", 50, rng=0)  # doctest: +SKIP
    """
    temperature = _check_temperature(temperature)
    n_chars, rng = _check_sampling(vocab, seed_text, n_chars, rng)
    context = validate.positive_int(context, "context")
    ids = np.zeros(len(seed_text) + n_chars, dtype=np.int32)
    ids[: len(seed_text)] = vocab.encode(seed_text)
    end = len(seed_text)
    predict = _predictor(model)
    for _ in range(n_chars):
        outputs = np.asarray(predict(ids[max(0, end - context) : end][None, :]))
        if outputs.ndim == 3:
            outputs = outputs[:, -1]
        ids[end] = _draw(outputs[0], len(vocab), temperature, rng)
        end += 1
    return vocab.decode(ids[len(seed_text) :])
