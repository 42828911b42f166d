"""Generate exercises/ from solutions/: ``python -m grader.exercises [--check]``.

For every ``solutions/NN_slug_practice.ipynb`` this writes ``exercises/NN_slug_practice.ipynb``
(the same file name, whatever it is) where

- each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region of a code cell becomes
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` (indented like the region); in a
  markdown cell it becomes ``YOUR ANSWER HERE``;
- each ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` region is removed;
- outputs and execution counts are cleared; cell and notebook metadata are kept (nbgrader's
  and ``metadata.companion``), except saved widget state.

The output is deterministic (byte-identical on every run). ``--check`` writes nothing and exits
with status 1 when exercises/ differs from what would be generated.
"""
from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path

__all__ = ["make_exercise", "exercise_text", "exercise_text_of", "generate", "main", "MarkerError"]

_BEGIN_SOLUTION = re.compile(r"^([ \t]*)###\s*BEGIN SOLUTION\s*$")
_END_SOLUTION = re.compile(r"^[ \t]*###\s*END SOLUTION\s*$")
_BEGIN_HIDDEN = re.compile(r"^[ \t]*###\s*BEGIN HIDDEN TESTS\s*$")
_END_HIDDEN = re.compile(r"^[ \t]*###\s*END HIDDEN TESTS\s*$")


class MarkerError(ValueError):
    """A BEGIN/END marker without its partner."""


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _replace_regions(lines: list[str], begin, end, replace, where: str) -> list[str]:
    out, inside, indent = [], False, ""
    for line in lines:
        text = line.rstrip("\n")
        if not inside and (match := begin.match(text)):
            inside, indent = True, match.group(1) if match.groups() else ""
            continue
        if inside and end.match(text):
            inside = False
            out.extend(replace(indent))
            continue
        if not inside:
            if end.match(text):
                raise MarkerError(f"{where}: an END marker without its BEGIN")
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: a BEGIN marker without its END")
    return out


def _cell_exercise(cell: dict, where: str) -> dict:
    cell = copy.deepcopy(cell)
    lines = _source(cell).splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n") and any(
            _BEGIN_SOLUTION.match(l.rstrip("\n")) or _BEGIN_HIDDEN.match(l.rstrip("\n")) for l in lines):
        lines[-1] += "\n"
    if cell.get("cell_type") == "code":
        prompt = lambda indent: [f"{indent}# YOUR CODE HERE\n", f"{indent}raise NotImplementedError()\n"]
        lines = _replace_regions(lines, _BEGIN_SOLUTION, _END_SOLUTION, prompt, where)
        lines = _replace_regions(lines, _BEGIN_HIDDEN, _END_HIDDEN, lambda _: [], where)
        cell["outputs"] = []
        cell["execution_count"] = None
    elif cell.get("cell_type") == "markdown":
        lines = _replace_regions(lines, _BEGIN_SOLUTION, _END_SOLUTION,
                                 lambda indent: [f"{indent}YOUR ANSWER HERE\n"], where)
    text = "".join(lines)
    if text.endswith("\n") and not _source(cell).endswith("\n"):
        text = text[:-1]
    cell["source"] = text.splitlines(keepends=True)
    return cell


def make_exercise(nb: dict, name: str = "notebook") -> dict:
    """The exercise version of a solution notebook (a new dict; ``nb`` is not modified)."""
    out = copy.deepcopy(nb)
    out["cells"] = [_cell_exercise(c, f"{name}, cell {i}") for i, c in enumerate(nb["cells"], 1)]
    out.get("metadata", {}).pop("widgets", None)
    companion = out.get("metadata", {}).get("companion")
    if isinstance(companion, dict) and companion.get("chapter"):
        from grader.questions import version

        if version(companion["chapter"]):
            companion["question_set"] = version(companion["chapter"])
    return out


def exercise_text(solution: Path) -> str:
    """The exact text of the exercise generated from ``solution`` (nbformat's JSON layout)."""
    return exercise_text_of(json.loads(solution.read_text(encoding="utf-8")), solution.name)


def exercise_text_of(nb: dict, name: str) -> str:
    """The exact text of the exercise generated from the solution notebook ``nb`` (named ``name``)."""
    return json.dumps(make_exercise(nb, name), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def generate(solutions: Path, exercises: Path, check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) every exercise; return the names that differ."""
    wanted = {p.name: exercise_text(p) for p in sorted(solutions.glob("*.ipynb"))}
    differ = []
    for name, text in wanted.items():
        target = exercises / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            differ.append(name)
            if not check:
                exercises.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    if exercises.is_dir():
        differ += sorted(f"{p.name} (no solution notebook)" for p in exercises.glob("*.ipynb")
                         if p.name not in wanted)
    return differ


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m grader.exercises",
                                     description="Generate exercises/ from solutions/.")
    parser.add_argument("--solutions", default="solutions", type=Path, help="default: solutions")
    parser.add_argument("--exercises", default="exercises", type=Path, help="default: exercises")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when exercises/ is out of date")
    args = parser.parse_args(argv)
    if not args.solutions.is_dir():
        parser.error(f"--solutions must be a folder of notebooks, got {args.solutions}")
    try:
        differ = generate(args.solutions, args.exercises, check=args.check)
    except MarkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if differ:
            print("exercises/ is out of date (run `make exercises`): " + ", ".join(differ))
            return 1
        print("exercises/ is up to date")
        return 0
    print(f"wrote {len(differ)} exercise notebook(s)" + (": " + ", ".join(differ) if differ else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
