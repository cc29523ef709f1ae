"""Repository-level promises: CI runs the README's command, environment.yml matches
pyproject.toml, stored notebooks are clean and executed, the code is linted, doc examples run."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import course_utils

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NOISE = re.compile(r"oneDNN|UserWarning|DeprecationWarning|WARNING|Traceback|absl::", re.I)


def _stored(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*.ipynb"))


# --- CI and the README ------------------------------------------------------------------------


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    commands = [
        line.strip()
        for line in ci.splitlines()
        if line.strip()
        and not line.lstrip().startswith("#")
        and not line.startswith(("set ", "cd "))
    ]
    assert commands[-1] == "make test", "CI must end with the README's test command"
    # Before it, only what the README's "Running the tests" says CI adds: Chromium installed when
    # missing, and the variable that makes the browser tier mandatory.
    allowed = ("if ", "fi", "apt-get update", "export LSTM_COURSE_REQUIRE_BROWSER=1")
    for command in commands[:-1]:
        assert command.startswith(allowed) or "apt-get install -y chromium" in command, command
    assert "LSTM_COURSE_REQUIRE_BROWSER=1" in readme and "LSTM_COURSE_REQUIRE_BROWSER=1" in ci


def test_readme_syllabus_lists_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in _stored("notebooks"):
        assert path.stem in readme, f"README's syllabus does not mention {path.name}"


# --- dependencies ------------------------------------------------------------------------------


def _normalised(requirements) -> set[str]:
    return {str(Requirement(r)) for r in requirements}


def test_environment_yml_pip_section_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    expected = _normalised(project["dependencies"])
    for extra in ("test", "dev"):
        expected |= {r for r in _normalised(extras[extra]) if not r.startswith("lstm-course")}

    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("  - pip:")
    pip_items = []
    for line in lines[start + 1 :]:
        match = re.match(r'^\s+- "(.*)"', line)
        if match:
            pip_items.append(match[1])
    assert "-e .[dev]" in pip_items, "environment.yml must install this repository"
    listed = _normalised(p for p in pip_items if not p.startswith("-e"))
    assert listed == expected, (
        f"only in environment.yml: {sorted(listed - expected)}; "
        f"only in pyproject.toml: {sorted(expected - listed)}"
    )


def test_linux_x86_gets_the_cpu_wheel_and_others_the_regular_one():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tf = {Requirement(r).name: Requirement(r) for r in project["dependencies"]}
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    mac = {"sys_platform": "darwin", "platform_machine": "arm64"}
    windows = {"sys_platform": "win32", "platform_machine": "AMD64"}
    assert tf["tensorflow-cpu"].marker.evaluate(linux)
    assert not tf["tensorflow"].marker.evaluate(linux)
    for other in (mac, windows):
        assert tf["tensorflow"].marker.evaluate(other)
        assert not tf["tensorflow-cpu"].marker.evaluate(other)
    assert str(tf["keras"].specifier) == "<4,>=3.3"


# --- stored notebooks ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", _stored("notebooks") + _stored("solutions"), ids=lambda p: p.name)
def test_stored_notebooks_are_executed_in_order_and_quiet(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb["metadata"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "run top to bottom once in a fresh kernel"
    for index, cell in enumerate(code):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"code cell {index} stores an error"
            assert out.get("name") != "stderr", f"code cell {index} stores stderr output"
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            assert not NOISE.search(text), f"code cell {index} stores noise: {text[:120]!r}"
    first = "".join(code[0]["source"])
    assert re.search(
        r"cu\.start\(seed=42(, threads=1|, threads_per_op=1(, onednn=True)?)?\)", first
    ), (
        "the first code cell must call cu.start(seed=42), cu.start(seed=42, threads=1), "
        "cu.start(seed=42, threads_per_op=1) or cu.start(seed=42, threads_per_op=1, onednn=True)"
    )


@pytest.mark.parametrize("path", _stored("exercises"), ids=lambda p: p.name)
def test_exercise_notebooks_have_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_every_exercise_set_has_checks_and_a_lesson():
    for solution in _stored("solutions"):
        prefix = solution.name.split("_", 1)[0]
        assert list((ROOT / "notebooks").glob(f"{prefix}_*.ipynb")), f"no lesson {prefix}"
        text = solution.read_text(encoding="utf-8")
        assert re.search(rf"checks\.ex_{prefix}_\d+\(", text), f"{solution.name} calls no check"


# --- code quality ----------------------------------------------------------------------------


def _ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if not found:
        pytest.fail("ruff is not installed: pip install -e '.[dev]'")
    return found


def test_ruff_lint_passes():
    run = subprocess.run([_ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format_is_clean():
    run = subprocess.run(
        [_ruff(), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(course_utils.__path__, prefix="course_utils.")
        if info.name != "course_utils.__main__"
    )


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={"np": __import__("numpy")} | vars(module)):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (above)"


#: The tooling: what runs, builds and grades notebooks. Its functions need a docstring, not an
#: example (they start kernels and write folders; tests/grading and tests/tooling run them).
TOOLING = ("course_utils.grading", "course_utils.tooling")

#: Examples that stay marked ``# doctest: +SKIP``, and why they cannot run in a test process.
SKIPPED_EXAMPLES = {
    # cu.start seeds TensorFlow and turns on op determinism for the whole process, and prints
    # a line about this machine: lesson 00 runs it (and tests/test_runtime.py)
    "course_utils/runtime.py": 1,
}


def _is_tooling(name: str) -> bool:
    return any(name == t or name.startswith(t + ".") for t in TOOLING)


def test_public_functions_have_docstrings():
    """Every public function or class of course_utils has a docstring."""
    missing = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if callable(value) and not (getattr(value, "__doc__", "") or "").strip():
                missing.append(f"{name}.{attr}: no docstring")
    assert not missing, "\n".join(missing)


def test_no_example_is_skipped_without_a_reason():
    """A skipped example cannot fail; the few that cannot run are listed in SKIPPED_EXAMPLES."""
    found = {}
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        count = path.read_text(encoding="utf-8").count("doctest: +SKIP")
        if count:
            found[path.relative_to(ROOT).as_posix()] = count
    assert found == SKIPPED_EXAMPLES


def test_what_learners_call_has_docstrings_with_examples():
    """Every public function or class a lesson can call has a docstring with a short example."""
    missing = []
    for name in _modules():
        if _is_tooling(name):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if not callable(value) or re.fullmatch(r"ex_\d{2}_\d+", attr):
                continue
            if isinstance(value, type) and issubclass(value, BaseException):
                continue  # an exception's docstring says when it is raised
            doc = getattr(value, "__doc__", "") or ""
            if not doc.strip():
                missing.append(f"{name}.{attr}: no docstring")
            elif ">>>" not in doc:
                missing.append(f"{name}.{attr}: the docstring has no example (>>>)")
    assert not missing, "\n".join(missing)


def test_no_tests_collected_is_a_failure_not_exit_status_5(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "no_such_marker", "-q", "tests/test_source.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "no test was collected" in run.stderr


# --- files the documents point to ---------------------------------------------------------------


def _tracked() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return set(listed) | {str(Path(path).parent) for path in listed}


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_every_file_a_document_links_or_names_is_in_the_repository():
    # a file the working tree has but git ignores reads fine here and is missing from every
    # clone (benchmarks/results/ is ignored but for the files listed in .gitignore). Read:
    # the documents' links, and the stored results the documents, the notebooks and the
    # package cite (a benchmark script's own output, written where it names it, is not read)
    tracked = _tracked()
    missing = []
    readers = (".md", ".ipynb")
    for doc in sorted(
        p
        for p in tracked
        if p.endswith(readers) or (p.startswith("course_utils/") and p.endswith(".py"))
    ):
        text = (ROOT / doc).read_text(encoding="utf-8")
        targets = []
        if doc.endswith(".md"):
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                if not re.match(r"[a-z]+:|#", target):
                    targets.append(str((Path(doc).parent / target.split("#")[0]).as_posix()))
        targets += re.findall(r"\bbenchmarks/results/[\w.-]+\.(?:md|json|png)\b", text)
        for target in targets:
            path = posixpath.normpath(target)
            if path.startswith("..") or "*" in path or "<" in path:
                continue  # outside the repository (../shared) or a pattern
            if path not in tracked:
                missing.append(f"{doc}: {target}")
    assert not missing, "not in the repository:\n" + "\n".join(missing)
