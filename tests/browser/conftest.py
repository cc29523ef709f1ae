"""Fixtures of the browser tier: a Chromium, a JupyterLab started by `make lab`, a page.

The notebooks are served from a copy in a temporary folder, so that running them (and typing an
answer into one) never changes the repository's files; everything else is `make lab` as a
learner runs it, with the environment's JupyterLab settings and a fresh user profile.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lab_browser import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    CHROMIUM_ENV,
    EXERCISES_03,
    LESSON_00,
    REQUIRE_ENV,
    ROOT,
    LabServer,
    find_chromium,
    may_skip,
    unavailable_reason,
)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; skips the tier (or fails it in CI) when there is none."""
    reason = unavailable_reason()
    if reason and may_skip():
        pytest.skip(reason)
    if reason:
        pytest.fail(f"{reason} (with {REQUIRE_ENV}=1 or {CHROMIUM_ENV} set, this is a failure)")
    return find_chromium()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the screenshots of what the learner saw are written (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """A folder holding copies of the notebooks the tier opens, laid out as in the repo."""
    folder = tmp_path_factory.mktemp("served")
    for name in (LESSON_00, EXERCISES_03):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def lab(chromium, served, tmp_path_factory):
    """JupyterLab started with `make lab` on 127.0.0.1, a free port and a token."""
    server = LabServer(ROOT, served, LESSON_00, tmp_path_factory.mktemp("jupyter-home"))
    yield server
    server.stop()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(server.log, ARTIFACTS / "jupyterlab.log")  # what the terminal showed


@pytest.fixture(scope="module")
def browser(chromium):
    """A headless Chromium driven by Playwright (a fresh profile, closed at the end)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()
