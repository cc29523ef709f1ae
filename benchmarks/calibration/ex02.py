"""Answers to the checks of lesson 02 besides the solutions (see ``calibration/__init__``).

2.1 is exact (a curve within 0.2 % of the check's at every step): its right answers differ
from the solution in arithmetic (a hand-written float64 step, a non-scalar target), its wrong
answers are curves that lie close to the right one on some layers (the direct path alone, the
hidden state's gradient). 2.2 is statistical (a test MSE under a bar after a fixed budget of
training): its wrong answers keep the budget's structure and fail through what the model
learns (pairs broken by shuffling, scaling that the model does not carry, data of its own). A
sigmoid head (MSE at least 1/12 ≈ 0.083, a hair above the bar) was refused on 5 of 5 draws by
its MSE alone; the check now refuses it by its structure, so it is no longer listed.
"""

from __future__ import annotations

import numpy as np
import test_checks_ex02 as t

from calibration import right, wrong

# --- 2.1 ---------------------------------------------------------------------------------------


def cell_state_gradients_float64(layer, x):
    """The same curve from a hand-written LSTM step in float64 (Keras' gate order i, f, c, o)."""
    import tensorflow as tf

    kernel, recurrent, bias = (tf.constant(w, tf.float64) for w in layer.get_weights())
    x = tf.constant(np.asarray(x), tf.float64)
    units = layer.cell.units
    h = tf.zeros((x.shape[0], units), tf.float64)
    c = tf.zeros_like(h)
    cells = []
    with tf.GradientTape() as tape:
        tape.watch(kernel)  # constants, not variables: the tape records only what it watches
        for step in range(x.shape[1]):
            z_i, z_f, z_c, z_o = tf.split(x[:, step] @ kernel + h @ recurrent + bias, 4, axis=1)
            c = tf.sigmoid(z_f) * c + tf.sigmoid(z_i) * tf.tanh(z_c)
            h = tf.sigmoid(z_o) * tf.tanh(c)
            cells.append(c)
        final = tf.reduce_sum(c)
    return np.array([float(tf.norm(g)) for g in tape.gradient(final, cells)])


def cell_state_gradients_of_c_itself(layer, x):
    """``tape.gradient(c_T, cells)`` with no sum: TensorFlow sums a non-scalar target itself."""
    import tensorflow as tf

    x = tf.convert_to_tensor(x, dtype=tf.float32)
    h = tf.zeros((x.shape[0], layer.cell.units))
    c = tf.zeros_like(h)
    cells = []
    with tf.GradientTape() as tape:
        for step in range(x.shape[1]):
            _, (h, c) = layer.cell(x[:, step], [h, c])
            cells.append(c)
    return np.array([float(tf.norm(g)) for g in tape.gradient(c, cells)])


def cell_state_gradients_of_mean(layer, x):
    """Differentiates the *mean* of c_T: the curve divided by batch · units."""
    return t.cell_state_gradients(layer, x) / (x.shape[0] * layer.cell.units)


def hidden_state_gradients(layer, x):
    """Differentiates the last hidden state h_T instead of the cell state c_T."""
    return t.cell_state_gradients(layer, x, target="h")


def direct_path(layer, x):
    """The product of the forget gates: the lesson's approximation, not the whole gradient."""
    from course_utils.checks import ex02

    return ex02.forget_gate_product_curve(layer, x)


# --- 2.2 ---------------------------------------------------------------------------------------


def _budget_model(length):
    import keras

    model = keras.Sequential(
        [
            keras.Input((length, 2)),
            keras.layers.SimpleRNN(32),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(3e-3, clipnorm=1.0), loss="mse")
    return model


def train_with_keras_shuffle(x_train, y_train, seed=0):
    """The budget with Keras' own shuffling (``fit(x, y, batch_size=64)``), not the pipeline."""
    import keras

    keras.utils.set_random_seed(seed)
    model = _budget_model(x_train.shape[1])
    model.fit(x_train, y_train, batch_size=64, epochs=6, verbose=0)
    return model


def train_shuffled_apart(x_train, y_train, seed=0):
    """Shuffles x and y in two unseeded pipelines and zips them: the pairs are broken."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = _budget_model(x_train.shape[1])
    xs = tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train))
    ys = tf.data.Dataset.from_tensor_slices(y_train).shuffle(len(y_train))
    model.fit(tf.data.Dataset.zip((xs, ys)).batch(64), epochs=6, shuffle=False, verbose=0)
    return model


def train_on_standardised_inputs(x_train, y_train, seed=0):
    """Standardises both input features by the training data, but the model keeps no scaler."""
    mean, std = x_train.mean(axis=(0, 1)), x_train.std(axis=(0, 1))
    return t.train_simple_rnn((x_train - mean) / std, y_train, seed)


def train_on_standardised_targets(x_train, y_train, seed=0):
    """Standardises the targets and returns the model without undoing it."""
    return t.train_simple_rnn(x_train, (y_train - y_train.mean()) / y_train.std(), seed)


ANSWERS = {
    "2.1": [
        right("a hand-written float64 step", lambda ns: (cell_state_gradients_float64,)),
        right("gradient of c_T itself, no sum", lambda ns: (cell_state_gradients_of_c_itself,)),
        wrong("the direct path ∏f only", lambda ns: (direct_path,)),
        wrong("gradient of the last hidden state", lambda ns: (hidden_state_gradients,)),
        wrong("gradient of the mean of c_T", lambda ns: (cell_state_gradients_of_mean,)),
    ],
    "2.2": [
        right("Keras' own shuffling, fit(x, y)", lambda ns: (train_with_keras_shuffle,)),
        wrong("x and y shuffled apart", lambda ns: (train_shuffled_apart,)),
        wrong("inputs standardised, no scaler", lambda ns: (train_on_standardised_inputs,)),
        wrong("targets standardised, not undone", lambda ns: (train_on_standardised_targets,)),
        wrong("trained on its own length-40 data", lambda ns: (t._own_data,)),
    ],
}
