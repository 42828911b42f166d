"""Re-run the notebooks as if on a machine with fewer SIMD features (`make test-portability`).

Stored notebook outputs must not depend on the last bits of a floating-point result (docs/architecture.md §5–6):
another CPU runs other SIMD code paths in NumPy, so a digit that moves with them fails strict nbval
there. This script re-runs every notebook of chapters/ and solutions/ with NumPy's dispatch forced
down through `NPY_DISABLE_CPU_FEATURES`:

- x86-64: once as an AVX2-only machine (the AVX-512 targets off), once as an SSE4.2-only machine
  (every dispatch target above NumPy's baseline off);
- other architectures (ARM, …): once with every dispatch target above the baseline off (on ARM,
  e.g. ASIMDHP, ASIMDDP, ASIMDFHM, SVE), the x86 variants skipped with their reason.

The variable takes NumPy's dispatch targets (`__cpu_dispatch__`; with the pinned NumPy
`X86_V3 X86_V4 AVX512_ICL AVX512_SPR` on x86) and silently ignores the whole list when one name is
unknown, so each list is built from the targets this CPU actually has, and the root conftest.py
asserts inside every notebook's kernel that they are really off before the first cell runs.
It does not reach OpenBLAS (matrix products, eigenvectors): printed BLAS results follow the
printing rule by reading. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are never set here.

    python tools/cpu_portability.py            # every variant this machine has; pytest arguments may follow --
    python tools/cpu_portability.py --list     # the variants and the targets each one turns off
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time

VARIABLE = "COURSE_CPU_VARIANT"          # set by this script; read by the root conftest.py
X86 = platform.machine().lower() in {"x86_64", "amd64", "i386", "i686"}
VARIANTS = {
    "avx2": "x86-64 with AVX2 but no AVX-512",
    "sse42": "x86-64 with SSE4.2 only (NumPy's baseline)",
    "baseline": "NumPy's baseline only (every dispatch target off)",
}


def dispatch_targets() -> tuple[list[str], dict[str, bool]]:
    """NumPy's dispatch targets (the names NPY_DISABLE_CPU_FEATURES accepts) and this CPU's features."""
    from numpy._core import _multiarray_umath as umath

    return list(umath.__cpu_dispatch__), dict(umath.__cpu_features__)


def targets_to_disable(variant: str) -> tuple[list[str], str]:
    """(targets to turn off, "") for a variant that applies to this machine, else ([], the reason it does not)."""
    dispatch, features = dispatch_targets()
    present = [t for t in dispatch if features.get(t)]
    if variant in ("avx2", "sse42") and not X86:
        return [], f"this is {platform.machine()}, not x86-64; the 'baseline' variant covers it"
    if variant == "baseline" and X86:
        return [], "on x86-64 the 'sse42' variant is the baseline"
    if variant == "avx2":
        off = [t for t in present if "512" in t or t == "X86_V4"]
        return off, "" if off else "this CPU has no AVX-512: the ordinary run already is the AVX2 run"
    if variant in ("sse42", "baseline"):
        return present, "" if present else "this CPU has no dispatch target above NumPy's baseline"
    raise ValueError(f"{VARIABLE}={variant!r}: expected one of {sorted(VARIANTS)}")


def kernel_check_expression(disabled: list[str]) -> str:
    """A Python expression for the kernel: its repr lists the targets that are still on (expected: [])."""
    return ("[t for t in " + repr(disabled) + " if __import__('numpy._core._multiarray_umath', "
            "fromlist=['_']).__cpu_features__.get(t)]")


def main(argv: list[str]) -> int:
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    plan = [(v, *targets_to_disable(v)) for v in VARIANTS]
    if "--list" in argv:
        for variant, off, reason in plan:
            print(f"{variant:9s} {VARIANTS[variant]}: " + (f"NPY_DISABLE_CPU_FEATURES={' '.join(off)!r}" if off
                                                           else f"skipped ({reason})"))
        return 0
    results = []
    for variant, off, reason in plan:
        if not off:
            print(f"== {variant}: skipped — {reason}", flush=True)
            continue
        print(f"== {variant} ({VARIANTS[variant]}): NPY_DISABLE_CPU_FEATURES={' '.join(off)!r}", flush=True)
        env = dict(os.environ, **{VARIABLE: variant})
        command = [sys.executable, "-m", "pytest", "-o", "testpaths=chapters solutions",
                   *(pytest_args or ["-n", "2", "--dist", "loadfile", "-q", "chapters", "solutions"])]
        start = time.perf_counter()
        code = subprocess.run(command, env=env).returncode
        results.append((variant, code, time.perf_counter() - start))
    print("\nportability summary:")
    for variant, code, seconds in results:
        print(f"  {variant:9s} {'passed' if code == 0 else f'FAILED (pytest exit {code})'} in {seconds / 60:.1f} min")
    if not results:
        print("  no variant applies to this machine")
    return 0 if results and all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
