#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (the zip is unpacked in
# $AUTOGRADER_ROOT/source, by default /autograder/source). It needs no package index: every
# dependency comes from wheels/ in this zip, at the versions of the course's constraints.txt.
#
#   AUTOGRADER_ROOT    Gradescope's root folder (default /autograder; tests move it)
#   GRADESCOPE_PYTHON  a Python @PYTHON_VERSION@ to build the environment with (default: python@PYTHON_VERSION@,
#                      installed from the deadsnakes PPA when the image does not have it)
#   GRADESCOPE_VENV    where the grading environment goes (default $AUTOGRADER_ROOT/venv)
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="${GRADESCOPE_VENV:-$ROOT/venv}"
VERSION="@PYTHON_VERSION@"

python_ok() { "$1" -c 'import sys, ensurepip; sys.exit(0 if sys.version_info[:2] == tuple(map(int, sys.argv[1].split("."))) else 1)' "$VERSION" 2>/dev/null; }

PY="${GRADESCOPE_PYTHON:-}"
if [ -z "$PY" ]; then
    PY="python$VERSION"
    export DEBIAN_FRONTEND=noninteractive
    if command -v "$PY" >/dev/null 2>&1 && ! python_ok "$PY"; then
        # the image's own Python of this version, without its venv package (Ubuntu 24.04 and 3.12)
        apt-get update -q && apt-get install -y -q --no-install-recommends "python$VERSION-venv" || true
    fi
    if ! command -v "$PY" >/dev/null 2>&1 || ! python_ok "$PY"; then
        # Gradescope's Ubuntu images ship an older Python: add it from the deadsnakes PPA (Ubuntu's
        # own package servers and Launchpad, no Python package index).
        apt-get update -q
        apt-get install -y -q --no-install-recommends software-properties-common gpg-agent ca-certificates
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update -q
        apt-get install -y -q --no-install-recommends "python$VERSION" "python$VERSION-venv"
    fi
fi
python_ok "$PY" || { echo "setup.sh: $PY is not a working Python $VERSION with venv" >&2; exit 1; }

"$PY" -m venv "$VENV"
# Only the wheels of this zip: no index, and no pip configuration of the machine.
PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" -m pip install --quiet --no-index --no-cache-dir \
    --disable-pip-version-check --find-links "$SOURCE/wheels" --requirement "$SOURCE/requirements.txt"

# The course's packages (companion, course_check, grader) are imported from source/course.
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$SOURCE/course" > "$SITE/course-autograder.pth"

# Everything the sandboxed learner code needs is readable by every user; the answer key and the
# course secret are root's alone. Gradescope's source/ is world-readable by default.
chmod a+rx "$ROOT" "$SOURCE"
chmod -R a+rX "$VENV" "$SOURCE/course"
"$VENV/bin/python" -m compileall -q "$SOURCE/course" >/dev/null || true
chmod -R go-rwx "$SOURCE/course/grader/questions"
chmod 700 "$SOURCE/course/grader/questions"
if [ -f "$SOURCE/course/secret" ]; then chmod 600 "$SOURCE/course/secret"; fi
chmod 755 "$SOURCE/run_autograder"

# Fail the build now, not at the first submission, when something is missing.
"$VENV/bin/python" -P -c 'import numpy, matplotlib, tqdm, ipywidgets, companion, course_check, grader.runner, grader.gradescope; from grader.questions import QUESTIONS; print("autograder ready:", len(QUESTIONS), "question sets")'
