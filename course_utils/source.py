"""Show the code of a course_utils function inside a notebook (the lesson that teaches a helper
shows its body instead of hiding it).

Introduced in ``notebooks/00_setup_and_tour.ipynb``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any


def source_of(obj: Any) -> str:
    """Return the source code of a function, class or method defined in Python.

    >>> from course_utils.runtime import keras_major_problem
    >>> source_of(keras_major_problem).splitlines()[0]
    'def keras_major_problem(version: str) -> str | None:'

    Raises
    ------
    TypeError
        ``obj`` has no Python source (a built-in, a number, a string, ...).
    """
    try:
        return inspect.getsource(obj)
    except (TypeError, OSError) as exc:
        raise TypeError(
            f"show_source needs a function or class written in Python, got {type(obj).__name__}"
        ) from exc


def source_file(obj: Any) -> str:
    """The file ``obj`` is defined in, as :func:`show_source` names it (from ``course_utils/``).

    >>> from course_utils.text import StepModel
    >>> source_file(StepModel)
    'course_utils/text/step_model.py'
    """
    module = inspect.getmodule(obj)
    file = getattr(module, "__file__", None)
    if not file:
        return ""
    parts = Path(file).parts
    if "course_utils" not in parts:
        return Path(file).name
    start = len(parts) - 1 - parts[::-1].index("course_utils")  # the package's own folder
    return "/".join(parts[start:])


def show_source(obj: Any) -> None:
    """Display the source of ``obj`` as a highlighted code block, with the file it lives in.

    Outside Jupyter it prints the file and the code:

    >>> import course_utils as cu
    >>> cu.show_source(cu.runtime.keras_major_problem)  # doctest: +ELLIPSIS
    # course_utils/runtime.py
    def keras_major_problem(version: str) -> str | None:
    ...
    """
    code = source_of(obj)
    where = source_file(obj)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        print(f"# {where}\n{code}")
        return
    if get_ipython() is None:
        print(f"# {where}\n{code}")
        return
    display(Markdown(f"`{where}`\n\n```python\n{code}```"))
