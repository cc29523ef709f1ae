"""course_utils.runtime: start(), doctor(), the Keras version guard, and the doctor CLI."""

import os
import subprocess
import sys

import pytest

import course_utils as cu
from course_utils.runtime import TF_ENVIRONMENT, keras_major_problem


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in TF_ENVIRONMENT and not k.startswith("TF_NUM_")  # conftest's, for its worker
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120
    )


def test_start_sets_environment_before_tensorflow_and_prints_one_line():
    run = _python(
        "import os, sys\n"
        "import course_utils as cu\n"
        "assert 'tensorflow' not in sys.modules, 'importing course_utils must not load TF'\n"
        "cu.start(seed=3)\n"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['TF_ENABLE_ONEDNN_OPTS'])\n"
        "import numpy as np, random\n"
        "a = np.random.random(); b = random.random()\n"
        "cu.start(seed=3)\n"
        "assert np.random.random() == a and random.random() == b, 'seeding is not repeatable'\n"
        "from tensorflow.python.framework import config\n"  # no public getter exists
        "print(config.is_op_determinism_enabled())\n"
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("lstm-course · Python ") and lines[0].endswith("· seed 3")
    assert "TensorFlow" in lines[0] and "Keras 3." in lines[0] and "CPU" in lines[0]
    assert lines[1] == "2 0"
    assert lines[-1] == "True"
    assert "oneDNN" not in run.stderr and "Warning" not in run.stderr, run.stderr


def test_start_warns_when_tensorflow_was_imported_first():
    run = _python(
        "import warnings, tensorflow\n"
        "import course_utils as cu\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    cu.start()\n"
        "print([str(w.message) for w in caught])\n",
    )
    assert run.returncode == 0, run.stderr
    assert "imported before cu.start()" in run.stdout
    assert "Restart the kernel" in run.stdout


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        ("42", TypeError, "seed must be an int"),
        (True, TypeError, "seed must be an int"),
        (4.0, TypeError, "seed must be an int"),
        (-1, ValueError, r"seed must be in \[0, 2\*\*32\)"),
        (2**32, ValueError, "seed must be in"),
    ],
)
def test_start_rejects_bad_seeds(seed, error, match):
    with pytest.raises(error, match=match):
        cu.start(seed=seed)


def test_keras_major_guard():
    assert keras_major_problem("3.0.0") is None
    assert keras_major_problem("3.15.1") is None
    assert "needs Keras 3" in keras_major_problem("2.15.0")
    assert "needs Keras 3" in keras_major_problem("4.0.0rc1")
    with pytest.raises(ValueError, match="version"):
        keras_major_problem("")
    with pytest.raises(ValueError, match="major number"):
        keras_major_problem("latest")


def test_doctor_reports_and_finds_no_problem(capsys):
    problems = cu.doctor()
    out = capsys.readouterr().out
    assert problems == []
    for name in ("Python", "NumPy", "TensorFlow", "Keras", "Devices", "Threads"):
        assert name in out
    assert "No problems found." in out


def test_doctor_shows_no_machine_path(capsys, repo_root):
    from course_utils.runtime import display_path

    cu.doctor()
    out = capsys.readouterr().out
    assert sys.executable not in out and str(repo_root) not in out
    assert os.path.expanduser("~") not in out
    if sys.prefix != sys.base_prefix:
        assert "(<venv>/" in out
    assert display_path(repo_root / "notebooks" / "x.ipynb") == "notebooks/x.ipynb"
    assert display_path(os.path.join(sys.prefix, "bin", "python")).endswith("/bin/python")


def test_doctor_quiet_mode_prints_nothing(capsys):
    assert cu.doctor(verbose=False) == []
    assert capsys.readouterr().out == ""


def test_doctor_command_line():
    run = subprocess.run(
        [sys.executable, "-m", "course_utils", "doctor"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No problems found." in run.stdout


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        cu.nonexistent  # noqa: B018


def test_native_stderr_filter_passes_progress_redraws_on_at_once_and_drops_noise_after_one():
    code = (
        "import os, sys, time\n"
        "from course_utils.runtime import filter_native_stderr\n"
        "filter_native_stderr()\n"
        "os.write(2, b'\\rbar  1/2')\n"
        "time.sleep(0.5)\n"
        "os.write(2, b'\\rbar  2/2E0000 00:00:1.2 5 node_def_util.cc:682] NodeDef mentions '\n"
        "         b'attribute use_unbounded_threadpool which is unknown\\n')\n"
        "os.write(2, b'kept\\n')\n"
        "time.sleep(0.5)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
    first = os.read(process.stderr.fileno(), 100)  # before the line ends, while the bar runs
    rest = process.communicate(timeout=60)[1]
    assert first == b"\rbar  1/2"
    assert first + rest == b"\rbar  1/2\rbar  2/2kept\n"


@pytest.mark.slow
@pytest.mark.parametrize("start", ["cu.start(seed=1)", "cu.start(seed=1, onednn=True)"])
def test_in_a_kernel_the_determinism_log_line_is_filtered_and_other_stderr_kept(
    tmp_path, monkeypatch, start
):
    from helpers import make_notebook

    from course_utils.tooling.nbrun import execute_notebook, read_notebook

    path = make_notebook(
        tmp_path / "noise.ipynb",
        [
            ("code", f"import course_utils as cu\n{start}"),
            (
                "code",
                "import keras, numpy as np\n"
                "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse')\n"
                "x, y = np.zeros((10, 3)), np.zeros((10, 1))  # 10 is not a multiple of 4\n"
                "m.fit(x, y, batch_size=4, epochs=2, verbose=0)\n"
                "_ = m.predict(x, verbose=0)\n"
                "# a padding mask: with oneDNN's kernels TensorFlow logs their boolean fallback\n"
                "e = keras.Sequential([keras.Input((4,), dtype='int32'),\n"
                "                      keras.layers.Embedding(5, 2, mask_zero=True),\n"
                "                      keras.layers.LSTM(2)])\n"
                "e.compile(optimizer='adam', loss='mse')\n"
                "e.fit(np.ones((8, 4), 'int32'), np.zeros((8, 2)), verbose=0)",
            ),
            ("code", "import os, time\nos.write(2, b'native line kept\\n')\ntime.sleep(3)"),
        ],
    )
    nb = read_notebook(path)
    # ipykernel only forwards native (fd 2) output to the notebook outside pytest, as for a learner
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    execute_notebook(nb, tmp_path, timeout=120)
    streams = [
        (out.get("name"), out.get("text", ""))
        for cell in nb.cells
        for out in cell.outputs
        if out.output_type == "stream"
    ]
    stderr = "".join(text for name, text in streams if name == "stderr")
    assert "use_unbounded_threadpool" not in stderr and "absl::InitializeLog" not in stderr
    assert "oneDNN" not in stderr
    assert stderr == "native line kept\n"


def _trained_weights_and_traces(patched: bool) -> tuple[list, int]:
    """Train a small LSTM with or without build_optimizer_before_training's change; its weights
    and how many times its training step was traced."""
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6, 1)).astype("float32")
    y = x[:, -1, 0]
    keras.utils.set_random_seed(3)
    model = keras.Sequential(
        [keras.Input((6, 1)), keras.layers.LSTM(4, dropout=0.1), keras.layers.Dense(1)]
    )
    traces = []
    train_step = model.train_step

    def counting_train_step(data):
        traces.append(1)
        return train_step(data)

    model.train_step = counting_train_step
    if not patched:  # Keras' own make_train_function, on this instance only
        model.make_train_function = type(model).make_train_function.__wrapped__.__get__(model)
    model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss="mse")
    assert not model.optimizer.built  # compile is Keras' own: nothing is built before fit
    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(64, seed=0).batch(16)
    model.fit(data, epochs=2, shuffle=False, verbose=0)  # the pipeline shuffles
    return [w.copy() for w in model.get_weights()], len(traces)


def test_fit_builds_the_optimizer_first_which_saves_a_trace_and_changes_no_weight():
    import keras
    import numpy as np

    from course_utils.runtime import build_optimizer_before_training

    build_optimizer_before_training()
    assert build_optimizer_before_training() is False  # installed once only
    weights_keras, traces_keras = _trained_weights_and_traces(patched=False)
    weights_course, traces_course = _trained_weights_and_traces(patched=True)
    assert traces_keras == 2 and traces_course == 1
    for a, b in zip(weights_keras, weights_course, strict=True):
        np.testing.assert_array_equal(a, b)
    # a model without an Input is built by its first batch, inside the trace: left to Keras
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    unbuilt.compile(optimizer="adam", loss="mse")
    unbuilt.fit(np.ones((4, 3), "float32"), np.ones(4, "float32"), verbose=0)
    assert unbuilt.optimizer.built


# Keras 3.15's saving converts its variables with np.array(x, copy=False): NumPy 2 warns
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_a_trained_model_saves_and_loads_with_its_optimizer_state(tmp_path):
    import keras
    import numpy as np

    from course_utils.runtime import build_optimizer_before_training

    build_optimizer_before_training()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    import tensorflow as tf

    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    data = tf.data.Dataset.from_tensor_slices((x, x[:, 0])).batch(8)
    model.fit(data, epochs=2, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")  # compiled again, with its loss
    assert loaded.compiled and loaded.loss == "mse"
    saved = [v.numpy() for v in model.optimizer.variables]
    restored = [v.numpy() for v in loaded.optimizer.variables]
    assert len(saved) == len(restored)
    for a, b in zip(saved, restored, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


_TRAIN_AND_HASH = (
    "import hashlib, sys\n"
    "import course_utils as cu\n"
    "cu.start(seed=5{threads})\n"
    "import keras, numpy as np, tensorflow as tf\n"
    "rng = np.random.default_rng(0)\n"
    "x = rng.normal(size=(96, 12, 1)).astype('float32'); y = x[:, -3:, 0].sum(axis=1)\n"
    "model = keras.Sequential([keras.Input((12, 1)), keras.layers.LSTM(24, return_sequences=True,"
    " recurrent_dropout=0.1), keras.layers.GRU(16), keras.layers.Dense(1)])\n"
    "model.compile(optimizer='adam', loss='mse')\n"
    "data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(96, seed=0).batch(16)\n"
    "model.fit(data, epochs=3, shuffle=False, verbose=0)\n"
    "print(tf.config.threading.get_intra_op_parallelism_threads(),"
    " tf.config.threading.get_inter_op_parallelism_threads())\n"
    "print(hashlib.sha256(b''.join(w.tobytes() for w in model.get_weights())).hexdigest())\n"
)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one thread either way")
def test_start_threads_sets_both_pools_and_changes_no_weight():
    default = _python(_TRAIN_AND_HASH.format(threads=""))
    one = _python(_TRAIN_AND_HASH.format(threads=", threads=1"))
    assert default.returncode == 0 and one.returncode == 0, default.stderr + one.stderr
    first, pools, weights = one.stdout.splitlines()
    assert first.endswith("· 1 thread · seed 5")
    assert pools == "1 1"
    assert default.stdout.splitlines()[1] == "0 0"  # TensorFlow's default: one per core
    assert "thread" not in default.stdout.splitlines()[0]
    assert weights == default.stdout.splitlines()[2]  # bit for bit


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one thread either way")
def test_start_threads_per_op_sets_the_intra_op_pool_only_and_changes_no_weight():
    one = _python(_TRAIN_AND_HASH.format(threads=", threads=1"))
    per_op = _python(_TRAIN_AND_HASH.format(threads=", threads_per_op=1"))
    # four operations at once, as on a 4-core machine: one thread per operation keeps the weights
    both = _python(_TRAIN_AND_HASH.format(threads=", threads=4, threads_per_op=1"))
    for run in (one, per_op, both):
        assert run.returncode == 0, run.stderr
    assert per_op.stdout.splitlines()[0].endswith("· 1 thread per op · seed 5")
    assert per_op.stdout.splitlines()[1] == "1 0"  # intra-op 1, inter-op one per core
    assert both.stdout.splitlines()[0].endswith("· 4 ops at once, 1 thread per op · seed 5")
    assert both.stdout.splitlines()[1] == "1 4"
    assert per_op.stdout.splitlines()[2] == one.stdout.splitlines()[2]  # bit for bit
    assert both.stdout.splitlines()[2] == one.stdout.splitlines()[2]


_ONEDNN_USED = (
    "from tensorflow.python.util import _pywrap_util_port\n"  # no public getter exists
    "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], _pywrap_util_port.IsMklEnabled())\n"
)


@pytest.mark.slow
def test_start_onednn_turns_on_onednn_kernels_and_repeats_its_weights():
    code = _TRAIN_AND_HASH.format(threads=", threads_per_op=1, onednn=True")
    code = code.replace("import hashlib, sys", "import hashlib, os, sys") + _ONEDNN_USED
    first, again = _python(code), _python(code)
    off = _python(
        _TRAIN_AND_HASH.format(threads=", threads_per_op=1").replace(
            "import hashlib, sys", "import hashlib, os, sys"
        )
        + _ONEDNN_USED
    )
    for run in (first, again, off):
        assert run.returncode == 0, run.stderr
        assert "Warning" not in run.stderr, run.stderr
    # outside a Jupyter kernel (no filter) TensorFlow says so as it loads; in one, it is
    # filtered (test_in_a_kernel_the_determinism_log_line_is_filtered_and_other_stderr_kept)
    assert "oneDNN custom operations are on" in first.stderr
    assert "oneDNN" not in off.stderr, off.stderr
    summary, _pools, weights, used = first.stdout.splitlines()
    # the summary names no oneDNN: the word reads as TensorFlow's noise in stored outputs
    assert summary.endswith("· 1 thread per op · seed 5")
    assert used == "1 True"
    assert again.stdout.splitlines()[2] == weights  # bit for bit, run after run
    assert "oneDNN" not in first.stdout + off.stdout
    assert off.stdout.splitlines()[3] == "0 False"  # the default: TensorFlow's own kernels


def test_start_onednn_must_be_a_bool():
    with pytest.raises(TypeError, match="onednn must be True or False"):
        cu.start(seed=1, onednn="yes")


def test_start_threads_too_late_warns_and_keeps_the_pools():
    run = _python(
        "import warnings\n"
        "import course_utils as cu\n"
        "cu.start(seed=1)\n"
        "import tensorflow as tf\n"
        "tf.constant(1.0) + 1.0  # TensorFlow runs an operation: its pools are made\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    cu.start(seed=1, threads=1)\n"
        "    cu.start(seed=1, threads_per_op=1)\n"
        "print([str(w.message) for w in caught])\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads())\n"
    )
    assert run.returncode == 0, run.stderr
    assert "cu.start(threads=1) comes too late" in run.stdout and "Restart the kernel" in run.stdout
    assert "cu.start(threads_per_op=1) comes too late" in run.stdout
    assert run.stdout.splitlines()[-1] == "0"


@pytest.mark.parametrize(
    ("intra", "inter", "summary"),
    [
        (0, 0, ""),
        (1, 1, "1 thread · "),
        (2, 2, "2 threads · "),
        (1, 0, "1 thread per op · "),
        (1, 2, "2 ops at once, 1 thread per op · "),
        (0, 1, "1 op at once · "),
    ],
)
def test_threads_summary_names_each_pool(intra, inter, summary):
    from types import SimpleNamespace

    from course_utils.runtime import _threads_summary

    threading = SimpleNamespace(
        get_intra_op_parallelism_threads=lambda: intra,
        get_inter_op_parallelism_threads=lambda: inter,
    )
    assert _threads_summary(SimpleNamespace(config=SimpleNamespace(threading=threading))) == summary


@pytest.mark.parametrize(
    ("threads", "error"), [(0, ValueError), (-2, ValueError), (1.5, TypeError), ("1", TypeError)]
)
def test_start_rejects_bad_threads(threads, error):
    with pytest.raises(error, match="threads"):
        cu.start(seed=1, threads=threads)
    with pytest.raises(error, match="threads_per_op"):
        cu.start(seed=1, threads_per_op=threads)
