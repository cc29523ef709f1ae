"""The root conftest's summary of notebook run times: each notebook's time against its budget, and
where the time went for one that took more than ``HEADROOM`` of it (issue 19's target)."""

from __future__ import annotations

import doctest


def test_a_notebook_within_the_headroom_gets_one_plain_line(root_conftest):
    cells = [(50.0, "Cell 3")]
    line = root_conftest.time_line("notebooks/02.ipynb", 72.0, 120, True, cells)  # exactly 60 %
    assert line == "   72.0 s  (budget 120 s)  notebooks/02.ipynb"


def test_a_notebook_over_the_headroom_names_its_three_slowest_cells(root_conftest):
    cells = [(1.0, "Cell 1"), (70.0, "Cell 29"), (12.0, "Cell 68"), (6.0, "Cell 2"), (3.0, "C9")]
    line = root_conftest.time_line("notebooks/06.ipynb", 150.0, 240, True, cells)
    assert line.endswith("[62 % of the budget: Cell 29 70 s, Cell 68 12 s, Cell 2 6 s]")
    assert root_conftest.HEADROOM == 0.6


def test_a_partial_run_says_so_instead(root_conftest):
    line = root_conftest.time_line("notebooks/06.ipynb", 200.0, 240, False, [(190.0, "Cell 29")])
    assert line.endswith("notebooks/06.ipynb (partial run)")


def test_the_examples_in_the_docstrings_hold(root_conftest):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner()
    for function in (root_conftest.time_line, root_conftest.slowest_cells):
        for test in finder.find(function, function.__name__, globs=vars(root_conftest)):
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
