"""course_utils.text (lesson 06): corpus, vocabulary, windows, baselines, sampling."""

import math
import socket

import numpy as np
import pytest

from course_utils import text
from course_utils.text import (
    CharVocab,
    StepModel,
    bits_per_char,
    kneser_ney_bits_per_char,
    load_corpus,
    next_char_windows,
    ngram_bits_per_char,
    sample_text,
    sample_text_windowed,
    train_val_split_text,
)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


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


# --- n-gram baseline --------------------------------------------------------------------------


def test_ngram_periodic_text_is_nearly_free():
    period = "the cat sat. "
    bits = ngram_bits_per_char(period * 300, period * 20, order=4, alpha=0.001)
    assert bits < 0.05


@pytest.mark.parametrize("k", [2, 5, 16])
def test_ngram_uniform_random_text_costs_log2_k(k):
    rng = np.random.default_rng(k)
    letters = np.array(list("abcdefghijklmnop"[:k]))
    train = "".join(rng.choice(letters, size=40_000))
    test = "".join(rng.choice(letters, size=20_000))
    assert ngram_bits_per_char(train, test, order=1) == pytest.approx(math.log2(k), abs=0.02)
    # a bigram model has nothing more to learn from independent characters
    assert ngram_bits_per_char(train, test, order=2) == pytest.approx(math.log2(k), abs=0.05)


def test_ngram_unseen_characters_cost_but_do_not_crash():
    bits = ngram_bits_per_char("aaaa", "ab", order=1, alpha=1.0)
    # V = 2 (a + unknown bucket): P(a) = 5/6, P(b) = 1/6
    assert bits == pytest.approx((-math.log2(5 / 6) - math.log2(1 / 6)) / 2)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("", "ab", 2), {}, ValueError, "train_text is empty"),
        (("ab", "", 2), {}, ValueError, "test_text is empty"),
        (("ab", "ab", 0), {}, ValueError, "order must be >= 1"),
        (("ab", "ab", 2.0), {}, TypeError, "order must be an int"),
        (("ab", "ab", 2), {"alpha": 0}, ValueError, "alpha must be > 0"),
        (("ab", "ab", 2), {"alpha": "0.1"}, TypeError, "alpha must be a number"),
        ((["a"], "ab", 2), {}, TypeError, "train_text must be a str"),
    ],
)
def test_ngram_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        ngram_bits_per_char(*args, **kwargs)


def test_ngram_accepts_numpy_scalars():
    plain = ngram_bits_per_char("abcab" * 20, "abcab", order=2, alpha=0.5)
    assert ngram_bits_per_char("abcab" * 20, "abcab", np.int64(2), np.float32(0.5)) == plain


# --- Kneser-Ney baseline ----------------------------------------------------------------------


def kn_next_char_probs(train, context, order, discount):
    """P(c | context) for every character c of train, recovered from the average bits."""
    before = len(context) * kneser_ney_bits_per_char(train + context, context, order, discount)
    chars = sorted(set(train + context))
    probs = []
    for c in chars:
        # the uniform floor covers train ∪ test: add context to train so that it never changes
        after = (len(context) + 1) * kneser_ney_bits_per_char(
            train + context, context + c, order, discount
        )
        probs.append(2.0 ** -(after - before))
    return np.array(probs)


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_kneser_ney_probabilities_sum_to_one(order):
    rng = np.random.default_rng(order)
    words = ["the", "cat", "sat", "on", "a", "mat", "hat", "and", "ran"]
    train = " ".join(rng.choice(words, size=300))
    for _ in range(4):
        context = " ".join(rng.choice(words, size=3)) + " " + str(rng.choice(["c", "q", "s"]))
        probs = kn_next_char_probs(train, context, order, float(rng.uniform(0.2, 0.95)))
        assert probs.min() > 0
        assert probs.sum() == pytest.approx(1.0, abs=1e-9)


def test_kneser_ney_order_1_is_the_interpolated_unigram_by_hand():
    # train "aab": counts a 2, b 1 (total 3, 2 types); vocabulary {a, b, c} with the test text
    d = 0.5
    p_a = (2 - d) / 3 + d * 2 / 3 * (1 / 3)
    p_c = d * 2 / 3 * (1 / 3)
    expected = -(math.log2(p_a) + math.log2(p_c)) / 2
    assert kneser_ney_bits_per_char("aab", "ac", 1, d) == pytest.approx(expected, rel=1e-12)


def test_kneser_ney_order_2_by_hand():
    # train "abab": bigrams ab 2, ba 1; continuation counts of a (after b) 1, of b (after a) 1
    d = 0.5
    unigram_b = (1 - d) / 2 + d * 2 / 2 * (1 / 2)  # continuation level: b 1, a 1 of 2
    p_b_after_a = (2 - d) / 2 + d * 1 / 2 * unigram_b
    first_a = (1 - d) / 2 + d * 2 / 2 * (1 / 2)  # the first character has no context
    expected = -(math.log2(first_a) + math.log2(p_b_after_a)) / 2
    assert kneser_ney_bits_per_char("abab", "ab", 2, d) == pytest.approx(expected, rel=1e-12)


def test_kneser_ney_beats_add_alpha_on_the_corpus_at_high_orders(corpus):
    train, val = train_val_split_text(corpus[:250_000], 0.1, seed=0)
    val = val[:15_000]
    for order in (5, 6):
        kn = kneser_ney_bits_per_char(train, val, order, 0.8)
        best_add_alpha = min(ngram_bits_per_char(train, val, order, a) for a in (0.01, 0.1))
        assert kn < best_add_alpha - 0.2, (order, kn, best_add_alpha)
    # and, unlike add-alpha, it does not get worse from order 4 to 6
    assert kneser_ney_bits_per_char(train, val, 6, 0.8) < kneser_ney_bits_per_char(
        train, val, 4, 0.8
    )


def test_kneser_ney_accepts_numpy_scalars():
    plain = kneser_ney_bits_per_char("abcab" * 20, "abcab", 3, 0.75)
    assert kneser_ney_bits_per_char("abcab" * 20, "abcab", np.int64(3), np.float32(0.75)) == (
        pytest.approx(plain, rel=1e-6)
    )


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("", "ab", 2), ValueError, "train_text is empty"),
        (("ab", "", 2), ValueError, "test_text is empty"),
        (("ab", "ab", 0), ValueError, "order must be >= 1"),
        (("ab", "ab", 2.0), TypeError, "order must be an int"),
        (("ab", "ab", 2, 0.0), ValueError, "discount must be > 0"),
        (("ab", "ab", 2, 1.0), ValueError, "discount must be < 1"),
        (("ab", "ab", 2, float("nan")), ValueError, "discount must be finite"),
        (("ab", "ab", 2, "0.5"), TypeError, "discount must be a number"),
        ((["a"], "ab", 2), TypeError, "train_text must be a str"),
    ],
)
def test_kneser_ney_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        kneser_ney_bits_per_char(*args)


# --- models: bits per char and sampling (tiny, untrained or hand-set models) ------------------


class ConstantModel:
    """A stand-in for a Keras model: the same distribution for every position."""

    def __init__(self, probs, logits=False):
        self.out = np.log(probs) if logits else np.asarray(probs, dtype=np.float64)

    def predict_on_batch(self, x):
        x = np.asarray(x)
        return np.broadcast_to(self.out, (*x.shape, self.out.size)).copy()


@pytest.mark.parametrize("logits", [False, True])
def test_bits_per_char_of_a_known_distribution(logits):
    probs = np.array([0.0001, 0.5, 0.25, 0.2499])
    probs = probs / probs.sum()
    ids = np.array([1, 1, 2, 1, 2, 1, 1, 2, 1], dtype=np.int32)
    got = bits_per_char(ConstantModel(probs, logits), ids, length=4)
    targets = next_char_windows(ids, 4)[1].ravel()
    expected = -np.mean(np.log2(probs[targets]))
    assert got == pytest.approx(expected, rel=1e-9)


def test_bits_per_char_rejects_wrong_output_shapes():
    class LastOnly:
        def predict_on_batch(self, x):
            return np.full((len(x), 3), 1 / 3)

    with pytest.raises(ValueError, match="return_sequences=True"):
        bits_per_char(LastOnly(), np.arange(10) % 3, 4)
    with pytest.raises(ValueError, match="predicts only 2 classes"):
        bits_per_char(ConstantModel(np.array([0.5, 0.5])), np.arange(10) % 3, 4)
    with pytest.raises(ValueError, match="batch_size"):
        bits_per_char(ConstantModel(np.array([0.5, 0.5])), np.arange(10) % 2, 4, batch_size=0)


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


@pytest.fixture(scope="module")
def tiny_keras_model():
    import keras

    keras.utils.set_random_seed(0)
    return tiny_model()


def constant_keras_model(probs):
    """A Keras character model whose next-character distribution is ``probs`` at every step."""
    model, vocab = tiny_model(vocab_text="abc")
    dense = model.layers[-1]
    logits = np.log(np.clip(probs, 1e-30, None))
    dense.set_weights([np.zeros_like(dense.get_weights()[0]), logits.astype("float32")])
    return model, vocab


def test_bits_per_char_on_a_tiny_keras_model(tiny_keras_model):
    model, vocab = tiny_keras_model
    ids = vocab.encode("abcd abcd abcd abcd abcd ")
    bits = bits_per_char(model, ids, length=6)
    # an untrained model is close to uniform over the 6 ids
    assert abs(bits - math.log2(len(vocab))) < 0.3
    x, y = next_char_windows(ids, 6)
    logits = np.asarray(model.predict_on_batch(x), dtype=np.float64)
    log_p = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    expected = -np.mean(np.take_along_axis(log_p, y[..., None], axis=-1)) / math.log(2)
    assert bits == pytest.approx(expected, rel=1e-5)


def test_bits_per_char_rejects_ids_outside_the_vocabulary(tiny_keras_model):
    model, _ = tiny_keras_model
    with pytest.raises(ValueError, match=r"Embedding reads only ids 0\.\.5"):
        bits_per_char(model, np.array([1, 2, 9, 1, 2, 3, 1], dtype=np.int32), 3)
    with pytest.raises(ValueError, match="ids must be >= 0"):
        bits_per_char(model, np.array([1, 2, -1, 1, 2, 3, 1], dtype=np.int32), 3)


@pytest.mark.parametrize(("cell", "last"), [("LSTM", None), ("GRU", None), ("LSTM", "softmax")])
def test_step_model_reproduces_keras_step_by_step(cell, last):
    import keras

    keras.utils.set_random_seed(1)
    model, vocab = tiny_model(cell, last=last)
    ids = vocab.encode("abc dab cd a")
    expected = np.asarray(model(ids[None], training=False), dtype=np.float64)[0]
    step = StepModel(model)
    got = np.stack([step.step(i) for i in ids])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    step.reset()
    np.testing.assert_allclose(step.feed(ids), expected[-1], atol=1e-5)


def _step_before_lstm_step(model, ids):
    """StepModel.step as it was written before it called lstm_numpy (the reference outputs)."""
    act = {"tanh": np.tanh, "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))}
    act |= {"relu": lambda z: np.maximum(z, 0.0), "linear": lambda z: z}
    act["softmax"] = lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    layers = [layer for layer in model.layers if type(layer).__name__ != "Dropout"]
    states = {id(layer): [np.zeros(layer.units)] * 2 for layer in layers if hasattr(layer, "units")}
    outputs = []
    for char_id in ids:
        for layer in layers:
            w = [np.asarray(v, dtype=np.float64) for v in layer.get_weights()]
            kind = type(layer).__name__
            if kind == "Embedding":
                x = w[0][char_id]
                continue
            fn = act[layer.activation.__name__]
            if kind == "Dense":
                x = fn(x @ w[0] + (w[1] if len(w) > 1 else 0.0))
                continue
            rec, units, (h, c) = (
                act[layer.recurrent_activation.__name__],
                layer.units,
                states[id(layer)],
            )
            if kind == "LSTM":
                b = w[2] if len(w) > 2 else np.zeros(4 * units)
                z = x @ w[0] + h @ w[1] + b
                i, f, g, o = (
                    rec(z[:units]),
                    rec(z[units : 2 * units]),
                    z[2 * units : 3 * units],
                    rec(z[3 * units :]),
                )
                c = f * c + i * fn(g)
                h = o * fn(c)
            else:
                b = (w[2] if len(w) > 2 else np.zeros((2, 3 * units))).reshape(2, -1)
                zx, zh = x @ w[0] + b[0], h @ w[1] + b[1]
                update = rec(zx[:units] + zh[:units])
                reset = rec(zx[units : 2 * units] + zh[units : 2 * units])
                candidate = fn(zx[2 * units :] + reset * zh[2 * units :])
                h = update * h + (1.0 - update) * candidate
            states[id(layer)] = [h, c]
            x = h
        outputs.append(x)
    return np.stack(outputs)


def test_step_model_is_bit_identical_to_its_equations_before_lstm_step():
    import keras

    keras.utils.set_random_seed(2)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(7, 4),
            keras.layers.LSTM(5, return_sequences=True),
            keras.layers.GRU(3, return_sequences=True, use_bias=False),
            keras.layers.LSTM(4, activation="relu", use_bias=False, return_sequences=True),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(7, activation="softmax"),
        ]
    )
    ids = np.random.default_rng(0).integers(0, 7, size=30)
    step = StepModel(model)
    got = np.stack([step.step(int(i)) for i in ids])
    assert np.array_equal(got, _step_before_lstm_step(model, ids))


def test_step_model_copies_the_weights_and_rejects_other_models(tiny_keras_model):
    import keras

    model, vocab = tiny_model()
    step = StepModel(model)
    before = step.feed(vocab.encode("ab"))
    model.layers[-1].set_weights([w * 0 for w in model.layers[-1].get_weights()])
    step.reset()
    np.testing.assert_array_equal(step.feed(vocab.encode("ab")), before)
    dense_only = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Embedding first"):
        StepModel(dense_only)
    with pytest.raises(TypeError, match=r"keras\.Model"):
        StepModel(object())
    with pytest.raises(ValueError, match=r"char_id must lie in 0\.\.5"):
        step.step(6)
    assert step.step(np.int64(2)).shape == (len(vocab),)


def test_state_carrying_and_windowed_samplers_agree(tiny_keras_model):
    model, vocab = tiny_keras_model
    a = sample_text(model, vocab, "ab", 20, temperature=0.8, rng=5)
    b = sample_text_windowed(model, vocab, "ab", 20, temperature=0.8, rng=5)
    assert a == b  # same draws while the window holds the whole text


def test_sampler_is_deterministic_with_a_fixed_rng(tiny_keras_model):
    model, vocab = tiny_keras_model
    a = sample_text(model, vocab, "ab", 12, temperature=1.0, rng=np.random.default_rng(3))
    b = sample_text(model, vocab, "ab", 12, temperature=1.0, rng=np.random.default_rng(3))
    assert a == b and len(a) == 12
    assert set(a) <= set("abcd ")  # the unknown id is never sampled
    assert sample_text(model, vocab, "ab", 12, rng=3) == a
    assert sample_text(model, vocab, "ab", 0) == ""


@pytest.mark.parametrize("sampler", [sample_text, sample_text_windowed])
def test_temperature_sharpens_and_flattens(sampler):
    model, vocab = constant_keras_model(np.array([1e-30, 0.6, 0.3, 0.1]))
    cold = sampler(model, vocab, "a", 300 if sampler is sample_text else 30, 0.05, rng=0)
    assert set(cold) == {"a"}
    if sampler is sample_text_windowed:
        return  # slow: one model call per character
    hot = sampler(model, vocab, "a", 3000, temperature=1.0, rng=0)
    shares = [hot.count(c) / 3000 for c in "abc"]
    np.testing.assert_allclose(shares, [0.6, 0.3, 0.1], atol=0.03)
    flat = sampler(model, vocab, "a", 3000, temperature=np.float32(50.0), rng=0)
    assert min(flat.count(c) for c in "abc") > 900


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"temperature": 0}, ValueError, "temperature must be a finite number > 0"),
        ({"temperature": -1.0}, ValueError, "temperature must be a finite number > 0"),
        ({"temperature": float("nan")}, ValueError, "temperature must be a finite number > 0"),
        ({"temperature": "hot"}, TypeError, "temperature must be a number"),
        ({"seed_text": ""}, ValueError, "seed_text is empty"),
        ({"seed_text": "abz!"}, ValueError, r"does not know: \['!', 'z'\]"),
        ({"n_chars": -1}, ValueError, "n_chars must be >= 0"),
        ({"n_chars": 2.0}, TypeError, "n_chars must be an int"),
        ({"rng": "seed"}, TypeError, "rng"),
        ({"vocab": {"a": 1}}, TypeError, "vocab must be a CharVocab"),
        ({"model": "model"}, TypeError, "model must be a keras.Model"),
        ({"vocab": CharVocab("abcdefg")}, ValueError, "Embedding reads 4 ids"),
    ],
)
def test_sampler_bad_arguments(kwargs, error, match):
    args = {
        "model": constant_keras_model(np.full(4, 0.25))[0],
        "vocab": CharVocab("abc"),
        "seed_text": "ab",
        "n_chars": 3,
    }
    args.update(kwargs)
    with pytest.raises(error, match=match):
        sample_text(**args)


def test_sampler_rejects_a_model_with_the_wrong_vocabulary_size():
    with pytest.raises(ValueError, match="distribution over the 4 ids"):
        sample_text_windowed(ConstantModel(np.full(7, 1 / 7)), CharVocab("abc"), "a", 2)
    with pytest.raises(ValueError, match="context must be >= 1"):
        sample_text_windowed(ConstantModel(np.full(4, 0.25)), CharVocab("abc"), "a", 2, context=0)
    assert (
        len(
            sample_text_windowed(
                ConstantModel(np.full(4, 0.25)), CharVocab("abc"), "a", 2, context=np.int64(3)
            )
        )
        == 2
    )


def test_the_traced_predictor_does_not_keep_a_model_alive(tiny_keras_model):
    import gc
    import weakref

    import keras

    model = keras.models.clone_model(tiny_keras_model[0])
    sample_text_windowed(model, tiny_keras_model[1], "ab", 3, rng=0)
    assert model in text.scoring._PREDICTORS
    alive = weakref.ref(model)
    del model
    gc.collect()
    # other models may be collected at the same time, so look at this one only
    assert alive() is None, "the predictor cache keeps the model alive"


# --- mixture of two models --------------------------------------------------------------------


def test_mixture_bits_is_the_bits_of_the_mixed_probability():
    a, b = np.array([1.0, 3.0, 0.0]), np.array([3.0, 1.0, 10.0])
    for lam in (0.0, 0.3, 0.5, 1.0):
        expected = -np.log2(lam * 2.0**-a + (1 - lam) * 2.0**-b)
        np.testing.assert_allclose(text.mixture_bits(a, b, lam), expected, rtol=1e-12)
    np.testing.assert_array_equal(text.mixture_bits(a, b, 1.0), a)
    np.testing.assert_array_equal(text.mixture_bits(a, b, 0.0), b)


def test_mixture_bits_never_exceeds_the_worse_model_and_survives_huge_bits():
    rng = np.random.default_rng(0)
    a, b = rng.exponential(3.0, 1000), rng.exponential(3.0, 1000)
    mixed = text.mixture_bits(a, b, 0.4)
    assert np.all(mixed <= np.maximum(a, b) + 1e-12)
    # a mixture pays at most -log2(lam) more than its better part, character by character
    assert np.all(mixed <= np.minimum(a - np.log2(0.4), b - np.log2(0.6)) + 1e-12)
    far = text.mixture_bits([2000.0], [3000.0], 0.5)  # 2**-2000 underflows; log space does not
    assert far[0] == pytest.approx(2001.0)


def test_mixture_bits_keeps_the_shape():
    assert text.mixture_bits(np.ones((2, 3)), np.ones((2, 3)), 0.5).shape == (2, 3)


@pytest.mark.parametrize(
    ("a", "b", "lam", "message"),
    [
        ([1.0, 2.0], [1.0], 0.5, "shape"),
        ([], [], 0.5, "empty"),
        ([1.0, np.nan], [1.0, 2.0], 0.5, "NaN"),
        ([1.0, 2.0], [1.0, np.inf], 0.5, "NaN or infinite"),
        ([1.0, -0.5], [1.0, 2.0], 0.5, ">= 0"),
        ([1.0], [1.0], 1.5, "lam must be <= 1.0"),
        ([1.0], [1.0], -0.1, "lam must be >= 0.0"),
        ([1.0], [1.0], np.nan, "lam must be finite"),
    ],
)
def test_mixture_bits_refuses_bad_input(a, b, lam, message):
    with pytest.raises(ValueError, match=message):
        text.mixture_bits(a, b, lam)


def test_mixture_bits_refuses_a_weight_that_is_not_a_number():
    with pytest.raises(TypeError, match="lam must be a number"):
        text.mixture_bits([1.0], [1.0], "0.5")
