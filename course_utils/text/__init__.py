"""Text for language models (lesson 06), one module per job.

- :mod:`~course_utils.text.corpus`: the offline corpus, the character vocabulary, a split on
  document boundaries and next-character windows;
- :mod:`~course_utils.text.ngram`: n-gram baselines (add-alpha and interpolated Kneser-Ney);
- :mod:`~course_utils.text.scoring`: bits per character of a model, per-character bits and the
  mixture of two models;
- :mod:`~course_utils.text.step_model`: :class:`StepModel`, a trained model run one character at
  a time with lesson 01's cell equations;
- :mod:`~course_utils.text.sampling`: temperature sampling, carrying the state or re-running a
  window.

Every public name is available here too, as lesson 06 uses them:
``from course_utils import text as cutext; cutext.CharVocab(...)``.

Introduced in ``notebooks/06_text_generation.ipynb``.
"""

from __future__ import annotations

from course_utils.text.corpus import (
    CORPUS_MODULES,
    DOCUMENT_SEPARATOR,
    MIN_DOC_CHARS,
    CharVocab,
    load_corpus,
    next_char_windows,
    python_docs_corpus,
    train_val_split_text,
)
from course_utils.text.ngram import (
    add_alpha_bits_per_char,
    kneser_ney_bits_per_char,
    kneser_ney_char_bits,
)
from course_utils.text.sampling import sample_text, sample_text_windowed
from course_utils.text.scoring import bits_per_char, char_bits, mixture_bits
from course_utils.text.step_model import StepModel

#: The name lesson 06 used for :func:`add_alpha_bits_per_char` until 2026-12 (kept so that a
#: learner's saved copy of the lesson still runs).
ngram_bits_per_char = add_alpha_bits_per_char

__all__ = [
    "CORPUS_MODULES",
    "DOCUMENT_SEPARATOR",
    "MIN_DOC_CHARS",
    "CharVocab",
    "StepModel",
    "add_alpha_bits_per_char",
    "bits_per_char",
    "char_bits",
    "kneser_ney_bits_per_char",
    "kneser_ney_char_bits",
    "load_corpus",
    "mixture_bits",
    "next_char_windows",
    "ngram_bits_per_char",
    "python_docs_corpus",
    "sample_text",
    "sample_text_windowed",
    "train_val_split_text",
]
