"""course_utils.runtime: start(), doctor(), the Keras version guard, and the doctor CLI."""

import os
import subprocess
import sys

import pytest

import course_utils as cu
from course_utils.runtime import TF_ENVIRONMENT, keras_major_problem


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in TF_ENVIRONMENT}
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
def test_in_a_kernel_the_determinism_log_line_is_filtered_and_other_stderr_kept(
    tmp_path, monkeypatch
):
    from helpers import make_notebook

    from course_utils.tooling.nbrun import execute_notebook, read_notebook

    path = make_notebook(
        tmp_path / "noise.ipynb",
        [
            ("code", "import course_utils as cu\ncu.start(seed=1)"),
            (
                "code",
                "import keras, numpy as np\n"
                "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse')\n"
                "x, y = np.zeros((10, 3)), np.zeros((10, 1))  # 10 is not a multiple of 4\n"
                "m.fit(x, y, batch_size=4, epochs=2, verbose=0)\n"
                "_ = m.predict(x, verbose=0)",
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
    assert stderr == "native line kept\n"
