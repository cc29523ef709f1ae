"""Answers to the checks of lesson 07 besides the solutions (see ``calibration/__init__``).

7.1's mistakes are the masking bugs a learner leaves in (or adds); 7.2's are pointer networks
that cannot learn within the check's budget (a too-low learning rate, plain SGD) or that do not
mask the padding.
"""

from __future__ import annotations

import warnings

import test_checks_ex07 as t

from calibration import adam, right, wrong

# --- 7.1 --------------------------------------------------------------------------------------


def functional_fix(vocab_size):
    """Right (the solution's note): keep the Lambda, hand the mask to the LSTM yourself."""
    import keras

    inputs = keras.Input((None,), dtype="int32")
    embedding = keras.layers.Embedding(vocab_size, 8, mask_zero=True)
    embedded = embedding(inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaled = keras.layers.Lambda(lambda x: x * 8**0.5)(embedded)
    states = keras.layers.LSTM(16)(scaled, mask=embedding.compute_mask(inputs))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(states))


def masking_layer_after_embedding(vocab_size):
    """Masking(0.0) after the Embedding: an embedded 0 is a vector of weights, not zeros."""
    import keras

    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 8),
            keras.layers.Masking(0.0),
            keras.layers.Rescaling(8**0.5),
            keras.layers.LSTM(16),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def lambda_kept(vocab_size):
    """mask_zero=True added, but the Lambda that drops the mask kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return t.word_model(vocab_size, middle="lambda")


# --- 7.2 --------------------------------------------------------------------------------------


def pointer_with(optimizer_factory, *, mask=True):
    """The solution's pointer network, with another optimizer or without the padding mask."""

    def build_pointer_model(vocab_size, max_len):
        model = t.pointer_model(vocab_size, max_len, mask=mask, compiled=False)
        model.compile(optimizer=optimizer_factory(), loss="sparse_categorical_crossentropy")
        return model

    return build_pointer_model


ANSWERS = {
    "7.1": [
        right("functional: the mask handed to the LSTM", lambda ns: (functional_fix,)),
        wrong("mask_zero, but the Lambda kept", lambda ns: (lambda_kept,)),
        wrong("Masking(0.0) after the Embedding", lambda ns: (masking_layer_after_embedding,)),
        wrong(
            "masked, but the √8 scaling dropped",
            lambda ns: (lambda v: t.word_model(v, middle=None),),
        ),
    ],
    "7.2": [
        wrong("Adam(1e-4): learning rate too low", lambda ns: (pointer_with(adam(1e-4)),)),
        wrong("optimizer='sgd' (rate 0.01)", lambda ns: (pointer_with(lambda: "sgd"),)),
        wrong("padding not masked", lambda ns: (pointer_with(adam(1e-2), mask=False),)),
    ],
}
