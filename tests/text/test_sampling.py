"""course_utils.text.sampling: temperature sampling, carrying the state or re-running a window."""

import numpy as np
import pytest
from helpers import ConstantModel, constant_keras_model

from course_utils import text
from course_utils.text import (
    CharVocab,
    sample_text,
    sample_text_windowed,
)


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
