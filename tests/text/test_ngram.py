"""course_utils.text.ngram: the add-alpha and Kneser-Ney baselines."""

import math

import numpy as np
import pytest

from course_utils.text import (
    add_alpha_bits_per_char,
    kneser_ney_bits_per_char,
    train_val_split_text,
)

# --- n-gram baseline --------------------------------------------------------------------------


def test_ngram_periodic_text_is_nearly_free():
    period = "the cat sat. "
    bits = add_alpha_bits_per_char(period * 300, period * 20, order=4, alpha=0.001)
    assert bits < 0.05


@pytest.mark.parametrize("k", [2, 5, 16])
def test_ngram_uniform_random_text_costs_log2_k(k):
    rng = np.random.default_rng(k)
    letters = np.array(list("abcdefghijklmnop"[:k]))
    train = "".join(rng.choice(letters, size=40_000))
    test = "".join(rng.choice(letters, size=20_000))
    assert add_alpha_bits_per_char(train, test, order=1) == pytest.approx(math.log2(k), abs=0.02)
    # a bigram model has nothing more to learn from independent characters
    assert add_alpha_bits_per_char(train, test, order=2) == pytest.approx(math.log2(k), abs=0.05)


def test_ngram_unseen_characters_cost_but_do_not_crash():
    bits = add_alpha_bits_per_char("aaaa", "ab", order=1, alpha=1.0)
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
        add_alpha_bits_per_char(*args, **kwargs)


def test_ngram_accepts_numpy_scalars():
    plain = add_alpha_bits_per_char("abcab" * 20, "abcab", order=2, alpha=0.5)
    assert add_alpha_bits_per_char("abcab" * 20, "abcab", np.int64(2), np.float32(0.5)) == plain


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
        best_add_alpha = min(add_alpha_bits_per_char(train, val, order, a) for a in (0.01, 0.1))
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


def test_the_old_name_of_the_add_alpha_model_still_works():
    # lesson 06 called it ngram_bits_per_char before the rename: saved copies keep running
    from course_utils import text

    assert text.ngram_bits_per_char is add_alpha_bits_per_char
