"""The machine-speed report under the notebook run times (course_utils.tooling.machine)."""

from __future__ import annotations

import time

import pytest

from course_utils.tooling import machine


def _stat(tmp_path, text):
    path = tmp_path / "stat"
    path.write_text(text, encoding="ascii")
    return path


def test_cpu_times_sum_the_eight_counters_and_take_the_eighth_as_steal(tmp_path):
    path = _stat(tmp_path, "cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 1 1 1 1 1 1 1 0 0\nintr 5\n")
    assert machine.read_cpu_times(path) == machine.CpuTimes(total=36, steal=8)


def test_cpu_times_are_unknown_without_proc_stat_and_refused_when_malformed(tmp_path):
    assert machine.read_cpu_times(tmp_path / "absent") is None
    with pytest.raises(ValueError, match="no 'cpu' line"):
        machine.read_cpu_times(_stat(tmp_path, "intr 5\n"))
    with pytest.raises(ValueError, match="7 counters"):
        machine.read_cpu_times(_stat(tmp_path, "cpu 1 2 3 4 5 6 7\n"))


def test_steal_share_is_the_stolen_part_of_the_ticks_between_two_readings():
    before, after = machine.CpuTimes(1000, 10), machine.CpuTimes(1400, 110)
    assert machine.steal_share(before, after) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="wrong order"):
        machine.steal_share(after, before)
    with pytest.raises(ValueError, match="wrong order"):
        machine.steal_share(before, before)


def test_the_live_counters_move(tmp_path):
    before = machine.read_cpu_times()
    if before is None:
        pytest.skip("no /proc/stat on this system")
    time.sleep(0.05)
    assert 0.0 <= machine.steal_share(before, machine.read_cpu_times()) <= 1.0


def test_the_probe_times_its_workload_and_scales_with_it():
    small = machine.probe_seconds(repeats=3, n=20_000)
    large = machine.probe_seconds(repeats=3, n=400_000)
    assert 0 < small < large  # 20 x the loop: never faster, even on a noisy machine
    with pytest.raises(ValueError, match="at least 1"):
        machine.probe_seconds(repeats=0)


def test_the_line_says_how_much_slower_and_the_steal():
    line = machine.describe(0.08, 0.12, machine.CpuTimes(0, 0), machine.CpuTimes(1000, 200))
    assert "80 ms before the tests and 120 ms after (1.50x)" in line
    assert "20.0 % of the CPU time" in line
    assert machine.describe(0.08, 0.08, None, machine.CpuTimes(1, 1)).endswith("steal not known")
