"""`make test-portability` (tools/cpu_portability.py + the root conftest.py): can it fail, and does it test what it says?

NumPy ignores NPY_DISABLE_CPU_FEATURES names it does not know, so a portability run that lists the
wrong names would pass while testing nothing. These tests check that each variant's list is built
from NumPy's dispatch targets that this CPU really has, and that a notebook run fails when the
kernel still has a target on.
"""
import importlib.util
import os
import pathlib
import platform
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cpu_portability", ROOT / "tools" / "cpu_portability.py")
cpu_portability = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cpu_portability)


def test_every_variant_either_applies_or_says_why_not():
    dispatch, features = cpu_portability.dispatch_targets()
    applied = 0
    for variant in cpu_portability.VARIANTS:
        off, reason = cpu_portability.targets_to_disable(variant)
        assert bool(off) != bool(reason), (variant, off, reason)
        assert all(t in dispatch and features[t] for t in off), f"{variant}: {off} are not targets this CPU has"
        applied += bool(off)
    if cpu_portability.X86:
        avx2, _ = cpu_portability.targets_to_disable("avx2")
        sse42, _ = cpu_portability.targets_to_disable("sse42")
        assert set(avx2) <= set(sse42) and "X86_V3" not in avx2
        assert not any(features[t] for t in dispatch if t not in sse42)   # SSE4.2 only: nothing above is left on
    if not applied:
        pytest.skip(f"no variant applies on this CPU ({platform.machine()}): NumPy dispatches nothing above its baseline")


def test_the_kernel_expression_lists_targets_still_on():
    names = ["X86_V2", "ASIMD"]       # whichever is this machine's baseline is on, the other is unknown here
    still_on = eval(cpu_portability.kernel_check_expression(names))   # noqa: S307 (our own expression)
    _, features = cpu_portability.dispatch_targets()
    assert still_on == [n for n in names if features.get(n)]


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="COURSE_CPU_VARIANT"):
        cpu_portability.targets_to_disable("avx9000")


@pytest.mark.slow
def test_a_target_left_on_fails_the_notebook(tmp_path):
    """AVX2 (x86) or ASIMD (ARM) is a CPU feature, not a dispatch target: NumPy refuses to turn it off,
    so the kernel check must find it still on and fail every cell of the notebook."""
    feature = "AVX2" if cpu_portability.X86 else "ASIMD"
    _, features = cpu_portability.dispatch_targets()
    if not features.get(feature):
        pytest.skip(f"this CPU has no {feature}")
    variant = "sse42" if cpu_portability.X86 else "baseline"
    env = dict(os.environ, COURSE_CPU_VARIANT=variant, COURSE_CPU_DISABLED=feature)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "chapters/00_start_here.ipynb"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0, run.stdout[-2000:]
    assert f"still on ['{feature}']" in run.stdout, run.stdout[-2000:]
