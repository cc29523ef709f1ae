"""The text a character model learns from: an offline corpus, a vocabulary, next-character windows.

The default corpus is built at run time from the docstrings of a fixed list of Python
standard-library modules (:data:`CORPUS_MODULES`), so it needs no download. It is deterministic
for a given Python version; other versions have slightly different docstrings, so the exact
number of characters changes a little from one Python to the next.

Introduced in ``notebooks/06_text_generation.ipynb``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import validate

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

    Raises
    ------
    TypeError
        ``modules`` holds something else than module names.
    ValueError
        no module of ``modules`` could be imported or has docstrings.
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

    Parameters
    ----------
    source
        ``"python-docs"`` (the default) for the docstrings of :data:`CORPUS_MODULES`,
        built at run time with no download; or the path of a UTF-8 text file.
    max_chars
        keep only the first ``max_chars`` characters (``None``: all of them).

    Examples
    --------
    >>> text = load_corpus()
    >>> len(text) > 300_000
    True
    >>> load_corpus(max_chars=26)
    'Abstract Base Classes (ABC'

    Raises
    ------
    FileNotFoundError
        the file does not exist.
    ValueError
        the file is not UTF-8 or holds no text, or ``max_chars`` < 1.
    TypeError
        ``source`` is not a string or path, or ``max_chars`` is not an int.
    """
    if max_chars is not None:
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

    Parameters
    ----------
    text
        the text whose distinct characters make the vocabulary (sorted, so the same text
        always gives the same ids).

    Examples
    --------
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

    Raises
    ------
    ValueError
        ``val_fraction`` is not in (0, 1), or the text has fewer than two documents.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    val_fraction = validate.fraction(val_fraction, "val_fraction")
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
