"""The root conftest's rule that lesson 06 and the listed notebooks run alone under
pytest-xdist (``SOLO_BUDGET``, ``SOLO_NOTEBOOKS``)."""

from __future__ import annotations

import threading
import time

import pytest


def test_only_lesson_06_and_the_listed_notebooks_run_alone(root_conftest):
    assert root_conftest.runs_alone("notebooks/06_text_generation.ipynb::Cell 12")
    assert root_conftest.runs_alone("notebooks/04_stacked_dropout_bidirectional.ipynb::Cell 3")
    assert root_conftest.runs_alone("notebooks/03_sine_forecasting.ipynb::Cell 3")  # before 04
    assert root_conftest.runs_alone("notebooks/05_real_world_forecasting.ipynb::Cell 3")  # 06
    assert root_conftest.runs_alone("notebooks/02_vanishing_gradients.ipynb::Cell 3")
    assert root_conftest.runs_alone("solutions/03_sine_forecasting_solutions.ipynb::Cell 3")
    for nodeid in (
        "notebooks/07_attention.ipynb::Cell 3",
        "notebooks/01_lstm_gate_equations.ipynb::Cell 3",
        "solutions/04_stacked_dropout_bidirectional_solutions.ipynb::Cell 3",
        "solutions/06_text_generation_solutions.ipynb::Cell 3",
        "tests/test_models.py::test_something",
    ):
        assert not root_conftest.runs_alone(nodeid), nodeid


@pytest.fixture
def marker(root_conftest, tmp_path, monkeypatch):
    """A solo notebook's marker in a folder of the test's own, as if the other worker ran one."""
    path = tmp_path / "solo-notebook.running"
    path.write_text("notebooks/06_text_generation.ipynb")
    monkeypatch.setattr(root_conftest, "_SOLO_MARKER", path)
    monkeypatch.setattr(root_conftest, "_NETWORK_DIR", tmp_path)
    monkeypatch.setattr(root_conftest, "_solo_waited", 0.0)
    return path


def test_an_untimed_test_waits_while_the_marker_exists(root_conftest, marker, tmp_path):
    threading.Timer(1.2, marker.unlink).start()
    start = time.monotonic()
    root_conftest._wait_for_solo_notebook()
    assert 1.0 < time.monotonic() - start < 5
    assert list(tmp_path.glob("paused-*.seconds")), "the pause is not recorded for the summary"


def test_the_limit_is_per_notebook_so_a_chain_of_solo_notebooks_is_waited_for(
    root_conftest, marker, monkeypatch
):
    monkeypatch.setattr(root_conftest, "SOLO_WAIT_LIMIT", 1.0)
    chain = ["notebooks/04_stacked_dropout_bidirectional.ipynb", "notebooks/05_x.ipynb"]
    for delay, notebook in zip((0.7, 1.4), chain, strict=True):  # each within the limit
        threading.Timer(delay, marker.write_text, args=(notebook,)).start()
    threading.Timer(2.1, marker.unlink).start()  # three notebooks: 2.1 s > one limit
    start = time.monotonic()
    root_conftest._wait_for_solo_notebook()
    assert 1.9 < time.monotonic() - start < 5
    assert not marker.exists()


def test_the_wait_has_a_limit(root_conftest, marker, monkeypatch):
    # a marker left behind by a crashed worker
    monkeypatch.setattr(root_conftest, "SOLO_WAIT_LIMIT", 1.0)
    start = time.monotonic()
    root_conftest._wait_for_solo_notebook()
    assert time.monotonic() - start < 3 and marker.exists()
