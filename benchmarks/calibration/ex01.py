"""Answers to the checks of lesson 01 besides the solutions (see ``calibration/__init__``).

The three checks are exact: 1.1 and 1.2 compare a step with the equations within a float
tolerance on four drawn cases, 1.3 compares a count with Keras' on four drawn models. What the
draw decides is whether a case shows the mistake: the wrong answers below are near misses that
are right on some shapes (one unit, one output, one layer, one input feature) or that differ
from the equations by a little on every case (Keras 2's hard sigmoid).
"""

from __future__ import annotations

import numpy as np
import test_checks_ex01 as t

from calibration import right, wrong


def _hard_sigmoid(z):
    # Keras 2's default recurrent_activation: a piecewise-linear σ
    return np.clip(0.2 * z + 0.5, 0.0, 1.0)


# --- 1.1 ---------------------------------------------------------------------------------------


def lstm_step_float32(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    """The solution's step on float32 copies of its inputs, as Keras computes."""
    args = (x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole)
    return t.lstm_step_peephole(*(np.asarray(a, dtype=np.float32) for a in args))


def lstm_step_keras_ops(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    """The step written with ``keras.ops`` (float32 tensors), returned as NumPy arrays."""
    from keras import ops

    z = ops.matmul(x_t, kernel) + ops.matmul(h_prev, recurrent_kernel) + bias
    z_i, z_f, z_c, z_o = ops.split(ops.cast(z, "float32"), 4, axis=1)
    p = ops.cast(peephole, "float32")
    c_old = ops.cast(c_prev, "float32")
    c = ops.sigmoid(z_f + p[1] * c_old) * c_old + ops.sigmoid(z_i + p[0] * c_old) * ops.tanh(z_c)
    h = ops.sigmoid(z_o + p[2] * c) * ops.tanh(c)
    return ops.convert_to_numpy(h), ops.convert_to_numpy(c)


def lstm_step_peephole_columns(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    """Reads ``peephole`` as (units, 3), one column per gate: right only when units is 1."""
    p_i, p_f, p_o = np.reshape(peephole, (-1, 3)).T
    return t.lstm_step_peephole(
        x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, np.stack([p_i, p_f, p_o])
    )


def lstm_step_hard_sigmoid(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    """The peephole step with Keras 2's hard sigmoid on the gates."""
    return t._lstm_wrong(act_gate=_hard_sigmoid)(
        x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole
    )


def lstm_step_forget_bias_added(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    """Adds 1 to the forget gate at every step (``unit_forget_bias`` read as a runtime term)."""
    units = h_prev.shape[1]
    shifted = np.array(bias, dtype=np.float64)
    shifted[units : 2 * units] += 1.0
    return t.lstm_step_peephole(x_t, h_prev, c_prev, kernel, recurrent_kernel, shifted, peephole)


# --- 1.2 ---------------------------------------------------------------------------------------


def gru_step_float32(x_t, h_prev, kernel, recurrent_kernel, bias):
    """The test suite's GRU step on float32 copies of its inputs."""
    args = (x_t, h_prev, kernel, recurrent_kernel, bias)
    return t.gru_step(*(np.asarray(a, dtype=np.float32) for a in args))


def gru_step_hard_sigmoid(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Keras' GRU step with Keras 2's hard sigmoid on the gates z and r."""
    a_z, a_r, a_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
    u_z, u_r, u_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1)
    z, r = _hard_sigmoid(a_z + u_z), _hard_sigmoid(a_r + u_r)
    return z * h_prev + (1.0 - z) * np.tanh(a_h + r * u_h)


def gru_step_one_bias(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Both bias rows added to the input projection: b_rec,h escapes the reset gate."""
    a_z, a_r, a_h = np.split(x_t @ kernel + bias[0] + bias[1], 3, axis=1)
    u_z, u_r, u_h = np.split(h_prev @ recurrent_kernel, 3, axis=1)
    z, r = t.sigmoid(a_z + u_z), t.sigmoid(a_r + u_r)
    return z * h_prev + (1.0 - z) * np.tanh(a_h + r * u_h)


# --- 1.3 ---------------------------------------------------------------------------------------


def count_as_float(input_dim, units, outputs):
    """The right count, returned as a float (the check accepts whole numbers of any type)."""
    return float(t.stacked_bilstm_param_count(input_dim, units, outputs))


def count_as_int64(input_dim, units, outputs):
    """The right count, computed with NumPy integers."""
    return np.int64(t.stacked_bilstm_param_count(input_dim, units, outputs))


def count_head_added(input_dim, units, outputs):
    """The head counted as features + outputs instead of features · outputs + outputs."""
    total, d = 0, input_dim
    for u in units:
        total += 2 * 4 * (u * (d + u) + u)
        d = 2 * u
    return total + d + outputs


def count_one_input_feature(input_dim, units, outputs):
    """Lesson 03's LSTM formula with one input feature: ``input_dim`` is never used."""
    return t.stacked_bilstm_param_count(1, units, outputs)


ANSWERS = {
    "1.1": [
        right("the step in float32", lambda ns: (lstm_step_float32,)),
        right("the step with keras.ops (float32)", lambda ns: (lstm_step_keras_ops,)),
        wrong("the lesson's step, no peepholes", lambda ns: (t._plain_lstm_step,)),
        wrong("output gate's peephole on c_prev", lambda ns: (t._lstm_wrong(out_peep="old"),)),
        wrong("peephole read as (units, 3) columns", lambda ns: (lstm_step_peephole_columns,)),
        wrong("Keras 2's hard sigmoid on the gates", lambda ns: (lstm_step_hard_sigmoid,)),
        wrong("forget bias +1 at every step", lambda ns: (lstm_step_forget_bias_added,)),
    ],
    "1.2": [
        right("the step in float32", lambda ns: (gru_step_float32,)),
        wrong("reset before the product (Cho 2014)", lambda ns: (t._gru_reset_before,)),
        wrong("update gate mixed the other way", lambda ns: (t._gru_flipped,)),
        wrong("both bias rows on the input side", lambda ns: (gru_step_one_bias,)),
        wrong("Keras 2's hard sigmoid on the gates", lambda ns: (gru_step_hard_sigmoid,)),
    ],
    "1.3": [
        right("the count as a float", lambda ns: (count_as_float,)),
        right("the count as np.int64", lambda ns: (count_as_int64,)),
        wrong("next layer reads one direction", lambda ns: (t._stack(next_input=1),)),
        wrong("every layer reads input_dim", lambda ns: (t._stack(stacked=False),)),
        wrong("head as features + outputs", lambda ns: (count_head_added,)),
        wrong("input_dim taken as 1", lambda ns: (count_one_input_feature,)),
    ],
}
