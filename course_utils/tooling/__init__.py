"""Course-developer tooling: running notebooks, building exercise notebooks, nbgrader export.

Nothing here is imported by a lesson. The command line (``python -m course_utils``) and the
grader (:mod:`course_utils.grading`) use it:

- :mod:`~course_utils.tooling.nbrun`: run a notebook in a fresh kernel (bounded in time), store
  it executed (``execute``), the notebooks' time budgets;
- :mod:`~course_utils.tooling.exercises`: build ``exercises/`` from ``solutions/``
  (``build-exercises``);
- :mod:`~course_utils.tooling.nbgrader_export`: write the exercise sets as an nbgrader course
  (``export-nbgrader``).
"""
