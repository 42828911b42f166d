"""Grades as data: one question's result and one notebook's result, and their JSON form.

These are what the runner produces and what the reports read; neither reports nor the
command line need the orchestration code in :mod:`grader.runner` to use them.

A result carries the submission's language (``"en"`` or ``"zh"``, from the notebook's
``metadata.companion.language``); :func:`localize` renders its learner-facing texts in it. Titles
stay English in the data (they name the gradebook's columns, the same for every submission) and
are shown in the learner's language by the reports.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from course_check import i18n

__all__ = ["QuestionResult", "NotebookResult", "localize"]


@dataclass
class QuestionResult:
    """The grade of one question (the ``questions`` entries of the JSON report).

    ``feedback`` says what happened; ``hint`` is the question's hint, kept apart so that a hints
    policy can show or withhold it (``text()`` joins them as the JSON ``feedback``).
    """

    id: str
    title: str
    function: str
    score: float
    max_score: float
    passed: bool
    feedback: str
    hint: str = ""
    cases_passed: int = 0
    cases_total: int = 0
    language: str = "en"

    def text(self) -> str:
        """The feedback, followed by the hint when there is one."""
        return f"{self.feedback}\n{self._hint_prefix()}{self.hint}" if self.hint else self.feedback

    def _hint_prefix(self) -> str:
        return "提示：" if self.language == "zh" else "hint: "

    def shown_title(self) -> str:
        """The title in the submission's language."""
        return i18n.phrase(self.title, self.language)

    def to_json(self) -> dict:
        return {"id": self.id, "score": self.score, "max_score": self.max_score,
                "passed": self.passed, "feedback": self.text(), "title": self.title,
                "function": self.function, "cases_passed": self.cases_passed,
                "cases_total": self.cases_total, "hint": self.hint}

    @classmethod
    def from_json(cls, data: dict) -> "QuestionResult":
        hint = str(data.get("hint", ""))
        feedback = str(data.get("feedback", ""))
        for prefix in ("hint: ", "提示："):
            if hint and feedback.endswith(f"\n{prefix}{hint}"):
                feedback = feedback[: -len(f"\n{prefix}{hint}")]
        return cls(str(data["id"]), str(data.get("title", "")), str(data.get("function", "")),
                   float(data["score"]), float(data["max_score"]), bool(data["passed"]), feedback,
                   hint, int(data.get("cases_passed", 0)), int(data.get("cases_total", 0)))


@dataclass
class NotebookResult:
    """The grade of one notebook (one object of the JSON report).

    ``penalty`` is the fraction of the points taken off for lateness (0 when on time);
    ``score`` is the points earned after it, ``raw_score`` before it.
    """

    notebook: str
    chapter: str | None
    questions: list[QuestionResult] = field(default_factory=list)
    error: str = ""
    sha256: str = ""
    student: str = ""
    submitted: str = ""
    days_late: float = 0.0
    penalty: float = 0.0
    warnings: list[str] = field(default_factory=list)
    language: str = "en"

    @property
    def raw_score(self) -> float:
        return float(sum(q.score for q in self.questions))

    @property
    def score(self) -> float:
        return round(self.raw_score * (1.0 - self.penalty), 4)

    @property
    def max_score(self) -> float:
        return float(sum(q.max_score for q in self.questions))

    @property
    def percentage(self) -> float:
        return round(100.0 * self.score / self.max_score, 2) if self.max_score else 0.0

    def to_json(self) -> dict:
        return {"notebook": self.notebook, "score": self.score, "max_score": self.max_score,
                "questions": [q.to_json() for q in self.questions], "error": self.error,
                "assignment": self.chapter or "", "student": self.student, "sha256": self.sha256,
                "raw_score": self.raw_score, "percentage": self.percentage,
                "submitted": self.submitted, "days_late": self.days_late, "penalty": self.penalty,
                "warnings": list(self.warnings), "language": self.language}

    @classmethod
    def from_json(cls, data: dict) -> "NotebookResult":
        result = cls(str(data["notebook"]), data.get("assignment") or None,
                   [QuestionResult.from_json(q) for q in data.get("questions", [])],
                   str(data.get("error", "")), str(data.get("sha256", "")), str(data.get("student", "")),
                   str(data.get("submitted", "")), float(data.get("days_late", 0.0)),
                   float(data.get("penalty", 0.0)), [str(w) for w in data.get("warnings", [])],
                   _language(data))
        for q in result.questions:
            q.language = result.language
        return result


def _language(data: dict) -> str:
    language = data.get("language", "en")
    return language if language in i18n.LANGUAGES else "en"


def localize(result: NotebookResult, language: str) -> NotebookResult:
    """``result`` with its feedback, hints, error and warnings in ``language`` (scores untouched)."""
    result.language = language if language in i18n.LANGUAGES else "en"
    say = lambda text: i18n.translate(text, result.language)   # noqa: E731
    result.error = say(result.error)
    result.warnings = [say(w) for w in result.warnings]
    for q in result.questions:
        q.language = result.language
        q.feedback, q.hint = say(q.feedback), say(q.hint)
    return result
