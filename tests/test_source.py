"""cu.show_source: the body of a helper, shown in the notebook that teaches it."""

import pytest

import course_utils as cu
from course_utils.runtime import keras_major_problem
from course_utils.source import source_of


def test_source_of_a_function():
    text = source_of(keras_major_problem)
    assert text.startswith("def keras_major_problem(version: str) -> str | None:")
    assert "REQUIRED_KERAS_MAJOR" in text


def test_show_source_prints_the_file_and_the_code_outside_jupyter(capsys):
    cu.show_source(keras_major_problem)
    out = capsys.readouterr().out
    assert out.startswith("# course_utils/runtime.py\ndef keras_major_problem(")


def test_show_source_names_the_file_inside_the_package(capsys):
    from course_utils.text import StepModel

    cu.show_source(StepModel.step)
    assert capsys.readouterr().out.startswith("# course_utils/text/step_model.py\n    def step(")


@pytest.mark.parametrize("value", [len, 42, "text", None])
def test_objects_without_python_source_are_a_type_error(value):
    with pytest.raises(TypeError, match="needs a function or class written in Python"):
        cu.show_source(value)
