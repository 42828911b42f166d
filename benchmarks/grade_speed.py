"""How long grading a class takes, with one sandbox at a time and with two (``--jobs 1`` vs ``--jobs 2``).

A synthetic class is built from ``solutions/01_neurons_practice.ipynb`` (four questions): of every ten
notebooks six are correct, two have a wrong answer, one has an answer that sleeps and a demo
cell below that calls it, and one starts an answer cell with an infinite loop. The whole class
is graded by ``python -m companion.grade`` in a fresh process per measurement, interleaved
(jobs 1, jobs 2, jobs 1, …), and the script prints the medians, the median of paired ratios,
and whether both settings gave identical grades.

    python benchmarks/grade_speed.py [--notebooks 200] [--rounds 2] [--jobs 1,2]

Time limits for the slow and looping notebooks are set small (``--timeout 3 --cell-timeout 2``)
so that they cost a known few seconds each. BLAS settings are left as the machine sets them.
On a shared, loaded machine measure a smaller class (``--notebooks 40``) and scale by the
number of notebooks (grading time is linear in it): the script prints that extrapolation.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "01_neurons_practice.ipynb"
LIMITS = ["--timeout", "3", "--cell-timeout", "2"]


def _answer_cells(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["companion"]["question"]: c for c in nb["cells"]
            if c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("solution")}


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _with_body(cell: dict, body: str) -> None:
    """Replace the answer between the solution markers by ``body`` (indented one level)."""
    text = _source(cell)
    head, rest = text.split("### BEGIN SOLUTION", 1)
    tail = rest.split("### END SOLUTION", 1)[1]
    cell["source"] = f"{head}### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION{tail}"


def variant(nb: dict, k: int) -> dict:
    """The k-th notebook of the class: correct, wrong, slow or looping."""
    nb = copy.deepcopy(nb)
    answers = _answer_cells(nb)
    kind = k % 10
    if kind in (6, 7):                                   # a wrong answer
        qid = sorted(answers)[k % len(answers)]
        _with_body(answers[qid], "raise ValueError('wrong idea')")
    elif kind == 8:                                      # slow answer, called by a demo cell below
        cell = answers["q4"]
        cell["source"] = _source(cell).replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    import time\n"
                                               "    time.sleep(30)", 1)
        nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                            "source": "print(sigmoid_neuron_delta(np.zeros(2), 0.0, np.ones(2), np.ones(2), 0.0))\n"})
    elif kind == 9:                                      # an infinite loop at the top of an answer cell
        cell = answers["q1"]
        cell["source"] = "while True:\n    pass\n" + _source(cell)
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"c{k}-{i}"
    return nb


def build_class(folder: Path, n: int) -> None:
    nb = json.loads(SOLUTION.read_text())
    for k in range(n):
        (folder / f"student{k:03d}_01_neurons_practice.ipynb").write_text(json.dumps(variant(nb, k)))


def child(folder: str, jobs: str, out: str) -> None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "companion.grade", folder, "--jobs", jobs, "--json", out,
                           *LIMITS], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(json.dumps({"error": done.stderr.strip()[-300:]}))
        return
    print(json.dumps({"seconds": seconds}))


def measure(folder: Path, jobs: str, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", str(folder), jobs, str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {"error": done.stderr.strip()[-300:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", default="1,2", help="settings to compare, e.g. 1,2 (or 2 alone: "
                                                       "the full class at --jobs 2 only)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="grade-speed-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        build_class(folder, args.notebooks)
        settings = [j.strip() for j in args.jobs.split(",") if j.strip()]
        times: dict[str, list[float]] = {j: [] for j in settings}
        reports: dict[str, list] = {}
        for r in range(args.rounds):
            for jobs in settings:
                out = Path(tmp) / f"jobs{jobs}.json"
                report = measure(folder, jobs, out)
                status = report.get("error") or f"{report['seconds']:.1f} s"
                print(f"  round {r + 1}/{args.rounds}  --jobs {jobs}  {status}", flush=True)
                if "seconds" in report:
                    times[jobs].append(report["seconds"])
                    reports[jobs] = json.loads(out.read_text())
        summarize(times, reports, args.notebooks)


def summarize(times: dict[str, list[float]], reports: dict[str, list], n: int) -> None:
    if set(times) == {"2"} and times["2"]:
        print(f"\n{n} notebooks at --jobs 2: median {statistics.median(times['2']):.1f} s")
        return
    if not times.get("1") or not times.get("2"):
        print("a measurement failed; see above")
        return
    ratios = [a / b for a, b in zip(times["1"], times["2"])]
    one, two = statistics.median(times["1"]), statistics.median(times["2"])
    print(f"\n{n} notebooks, {os.cpu_count()} cores (BLAS settings as the machine sets them)")
    print(f"  --jobs 1: median {one:.1f} s   --jobs 2: median {two:.1f} s")
    print(f"  speed-up (median of paired ratios jobs1/jobs2): {statistics.median(ratios):.2f}x")
    print(f"  per 200 notebooks at --jobs 2: {two * 200 / n:.0f} s (linear extrapolation)")
    same = reports.get("1") == reports.get("2")
    print(f"  identical grades with 1 and 2 jobs: {same}")
    scores = [r["score"] for r in reports["2"]]
    print(f"  class: {len(scores)} notebooks, {sum(s == reports['2'][0]['max_score'] for s in scores)} with full marks")


if __name__ == "__main__":
    main()
