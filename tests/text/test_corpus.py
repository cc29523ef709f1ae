"""course_utils.text.corpus: the offline corpus, the vocabulary, the split, the windows."""

import socket

import numpy as np
import pytest

from course_utils import text
from course_utils.text import (
    CharVocab,
    load_corpus,
    next_char_windows,
    train_val_split_text,
)

# --- corpus -----------------------------------------------------------------------------------


def test_corpus_is_offline_large_and_deterministic(corpus, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("load_corpus tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    again = load_corpus()
    assert again == corpus
    assert len(corpus) >= 300_000
    assert corpus.startswith("Abstract Base Classes")
    assert "\r" not in corpus


def test_corpus_modules_exclude_side_effect_modules():
    banned = {"this", "antigravity", "tkinter", "turtle", "idlelib", "webbrowser"}
    assert not banned & {name.split(".")[0] for name in text.CORPUS_MODULES}


def test_corpus_prints_nothing_and_leaks_no_warnings(capfd, recwarn):
    text.python_docs_corpus(["typing", "textwrap"])
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert len(recwarn) == 0


def test_missing_module_is_skipped():
    assert text.python_docs_corpus(["no_such_module_xyz", "json"]).startswith("JSON")


def test_one_module_name_is_one_module_and_nothing_is_an_error():
    assert text.python_docs_corpus("json") == text.python_docs_corpus(["json"])
    with pytest.raises(ValueError, match="none of them could be imported"):
        text.python_docs_corpus(["no_such_module_xyz"])
    with pytest.raises(TypeError, match="module names"):
        text.python_docs_corpus([3])


def test_max_chars_and_file_source(tmp_path, corpus):
    assert load_corpus(max_chars=100) == corpus[:100]
    path = tmp_path / "mine.txt"
    path.write_text("Hello there.\r\n\r\nSecond paragraph.", encoding="utf-8")
    assert load_corpus(path) == "Hello there.\n\nSecond paragraph."
    assert load_corpus(str(path), max_chars=5) == "Hello"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"source": "/no/such/file.txt"}, FileNotFoundError, "no text file"),
        ({"source": 3}, TypeError, "source must be"),
        ({"max_chars": 0}, ValueError, "max_chars must be >= 1"),
        ({"max_chars": 2.5}, TypeError, "max_chars must be an int"),
    ],
)
def test_load_corpus_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_corpus(**kwargs)


def test_empty_and_non_utf8_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n ", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no text"):
        load_corpus(empty)
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match="not a UTF-8"):
        load_corpus(binary)


# --- vocabulary -------------------------------------------------------------------------------


def test_vocab_round_trips_the_corpus(corpus):
    vocab = CharVocab(corpus)
    ids = vocab.encode(corpus)
    assert ids.dtype == np.int32 and ids.shape == (len(corpus),)
    assert ids.min() >= 1 and ids.max() == len(vocab) - 1
    assert vocab.decode(ids) == corpus
    assert len(vocab) == len(set(corpus)) + 1


def test_vocab_unknown_characters():
    vocab = CharVocab("abc")
    assert vocab.encode("abz").tolist() == [1, 2, 0]
    assert vocab.decode([1, 0]) == "a\ufffd"
    assert vocab.unknown_chars("zzaq") == ["q", "z"]
    assert "a" in vocab and "z" not in vocab and "[UNK]" not in vocab
    assert vocab.decode([]) == ""


@pytest.mark.parametrize(
    ("ids", "error", "match"),
    [
        ([0, 9], ValueError, "ids must lie in 0..3"),
        ([[1]], ValueError, "1-D"),
        ([0.5], TypeError, "integers"),
    ],
)
def test_vocab_decode_bad_ids(ids, error, match):
    with pytest.raises(error, match=match):
        CharVocab("abc").decode(ids)


def test_vocab_bad_text():
    with pytest.raises(ValueError, match="text is empty"):
        CharVocab("")
    with pytest.raises(TypeError, match="text must be a str"):
        CharVocab(["a"])
    with pytest.raises(TypeError, match="text must be a str"):
        CharVocab("a").encode(b"a")


# --- split ------------------------------------------------------------------------------------


def test_split_on_document_boundaries(corpus):
    train, val = train_val_split_text(corpus, 0.1, seed=0)
    assert 0.09 < len(val) / len(corpus) < 0.12
    docs = set(corpus.split("\n\n"))
    val_docs = val.split("\n\n")
    assert all(doc in docs for doc in val_docs), "validation holds only whole documents"
    assert all(doc in docs for doc in train.split("\n\n"))
    assert len(val_docs) + len(train.split("\n\n")) == len(corpus.split("\n\n"))
    assert val in corpus, "validation is one contiguous run of documents"
    assert train_val_split_text(corpus, 0.1, seed=0) == (train, val)
    assert train_val_split_text(corpus, 0.1, seed=1) != (train, val)


def test_split_keeps_one_training_document():
    train, val = train_val_split_text("a\n\nb", 0.9)
    assert train and val and sorted([train, val]) == ["a", "b"]


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("one\n\ntwo", 0.0), ValueError, "val_fraction must be in"),
        (("one\n\ntwo", 1.5), ValueError, "val_fraction must be in"),
        (("one two", 0.1), ValueError, "fewer than two documents"),
        (("", 0.1), ValueError, "fewer than two documents"),
        ((b"a\n\nb", 0.1), TypeError, "text must be a str"),
        (("a\n\nb", "0.1"), TypeError, "val_fraction must be a number"),
    ],
)
def test_split_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        train_val_split_text(*args)


# --- windows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "length", "stride"), [(10, 3, None), (101, 10, 1), (57, 7, 5), (4, 3, None)]
)
def test_windows_match_a_loop(n, length, stride):
    ids = np.random.default_rng(n).integers(0, 50, size=n).astype(np.int32)
    x, y = next_char_windows(ids, length, stride=stride)
    step = stride or length
    starts = range(0, n - length, step)
    np.testing.assert_array_equal(x, np.array([ids[s : s + length] for s in starts]))
    np.testing.assert_array_equal(y, np.array([ids[s + 1 : s + length + 1] for s in starts]))
    assert x.dtype == ids.dtype


@pytest.mark.parametrize(
    ("ids", "length", "error", "match"),
    [
        (np.arange(5), 5, ValueError, "at least length \\+ 1"),
        (np.arange(5), 0, ValueError, "length must be >= 1"),
        (np.arange(5), 2.0, TypeError, "length must be an int"),
        (np.zeros((2, 5), int), 2, ValueError, "1-D"),
        (np.linspace(0, 1, 5), 2, TypeError, "integers"),
    ],
)
def test_windows_bad_arguments(ids, length, error, match):
    with pytest.raises(error, match=match):
        next_char_windows(ids, length)
