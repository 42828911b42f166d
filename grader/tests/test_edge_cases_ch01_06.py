"""Edge cases of question sets 01–06 (issue 24): each hidden case added at an edge of the answer
rejects a plausible wrong answer that the other cases let through, and the reference passes it."""
from __future__ import annotations

import numpy as np

from course_check.judge import judge_case
from grader.questions import QUESTIONS


def _question(stem: str, qid: str):
    return next(q for q in QUESTIONS[stem] if q.id == qid)


def _verdicts(question, answer):
    """For every case: None where `answer` passes, else the judge's message."""
    out = []
    for case in question.cases():
        expected = question.reference(*case.args, **case.kwargs) if question.reference else None
        out.append(judge_case(answer(*case.args, **case.kwargs), expected, case, question))
    return out


def test_choose_width_has_a_tie_the_first_width_wins():
    question = _question("06_training_a_classifier", "q5")

    def first_on_tie(trainer, X_train, y_train, X_val, y_val, widths):
        accs = np.array([np.mean(trainer(X_train, y_train, w).predict(X_val) == y_val) for w in widths])
        return widths[int(np.argmax(accs))], accs

    def last_on_tie(trainer, X_train, y_train, X_val, y_val, widths):     # `>=` in a running maximum
        best, best_acc, accs = None, -1.0, []
        for w in widths:
            acc = float(np.mean(trainer(X_train, y_train, w).predict(X_val) == y_val))
            accs.append(acc)
            if acc >= best_acc:
                best, best_acc = w, acc
        return best, np.array(accs)

    assert all(v is None for v in _verdicts(question, first_on_tie))
    wrong = _verdicts(question, last_on_tie)
    caught = [i for i, v in enumerate(wrong) if v is not None]
    cases = question.cases()
    assert caught and all(cases[i].hidden for i in caught)
    assert all(cases[i].args[-1] == [10, 20, 49, 64, 120, 140] for i in caught)


def test_accuracy_has_ties_the_first_largest_output_is_the_prediction():
    question = _question("06_training_a_classifier", "q2")

    def by_argmax(probs, labels):
        return float(np.mean(np.argmax(probs, axis=1) == labels))

    def label_is_a_largest(probs, labels):   # counts a tie as right for every tied class
        probs = np.asarray(probs)
        return float(np.mean(probs[np.arange(len(labels)), labels] == probs.max(axis=1)))

    assert all(v is None for v in _verdicts(question, by_argmax))
    wrong = _verdicts(question, label_is_a_largest)
    caught = [i for i, v in enumerate(wrong) if v is not None]
    cases = question.cases()
    assert len(caught) == 1 and cases[caught[0]].hidden
