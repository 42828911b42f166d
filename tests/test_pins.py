"""Reproducible versions: constraints.txt pins every dependency exactly, and environment.yml agrees."""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_constraints_pin_exact_versions():
    lines = [l.split("#")[0].strip() for l in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()]
    loose = [l for l in lines if l and not re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+!-]+", l)]
    assert not loose, f"constraints.txt must hold only exact pins (name==version): {loose}"


def test_environment_yml_pins_the_same_versions():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "pins.py"), "check"], capture_output=True, text=True)
    assert run.returncode == 0, "environment.yml and constraints.txt disagree; run `python tools/pins.py environment " \
                                f"> environment.yml`:\n{run.stdout}{run.stderr}"
