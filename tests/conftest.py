"""Fixtures shared by several test files (the global test setup is the root ``conftest.py``).

Being here also puts ``tests/`` on ``sys.path`` for the test files in its subfolders, so that
each of them can ``from helpers import ...``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import tiny_model


@pytest.fixture(scope="session")
def corpus():
    """The default training text of lesson 06 (the Python docstring corpus; a str, immutable)."""
    from course_utils.text import load_corpus

    return load_corpus()


@pytest.fixture(scope="module")
def tiny_keras_model():
    """An untrained Embedding → LSTM → Dense character model and its vocabulary."""
    import keras

    keras.utils.set_random_seed(0)
    return tiny_model()


@pytest.fixture
def root_conftest(request):
    """The repository's root conftest.py, as pytest loaded it (its plugin module)."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    module = request.config.pluginmanager.get_plugin(str(path))
    assert module is not None, "the root conftest.py is not loaded as a plugin"
    return module
