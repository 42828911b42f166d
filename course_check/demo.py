"""Run All goes on past a demo cell that needs an answer not written yet.

A practice notebook's demo cells call the learner's functions. Until a question is answered its
function raises ``NotImplementedError``, and a plain traceback would stop Run All at the first such
cell. ``make_checker`` installs an IPython AST transformer (:func:`install`) that wraps every cell
of the notebook so that this one exception, and only it, ends the cell with one line naming the
question to answer first::

    (this cell needs momentum_step() from Q1, not written yet: answer Q1, run its cell, then this one)

Every other error keeps its usual traceback; the cell's last expression is still displayed; the
source lines of tracebacks are unchanged. Outside IPython (the grader's sandbox, plain Python)
nothing is installed.
"""
from __future__ import annotations

import ast

from course_check import i18n

__all__ = ["install", "unanswered_line", "CellGuard"]

_FAILED, _LAST, _EXC = "__course_check_unanswered__", "__course_check_last__", "__course_check_exc__"


def unanswered_line(function: str | None, qid: str | None) -> str:
    if function and qid:
        return (f"(this cell needs {function}() from {qid.upper()}, not written yet: answer {qid.upper()}, "
                f"run its cell, then this one)")
    return "(this cell needs an answer that is not written yet: answer the questions above it first)"


class CellGuard(ast.NodeTransformer):
    """Wraps a cell: ``try: <cell> except NotImplementedError: <one line>``; keeps the last expression shown."""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        body = node.body
        if not body or any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in body):
            return node
        if any(isinstance(sub, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for sub in ast.walk(node)):
            return node                      # top-level await: IPython runs it its own way
        last = body[-1] if isinstance(body[-1], ast.Expr) else None
        inner = list(body[:-1]) if last else list(body)
        tail: list[ast.stmt] = []
        if last is not None:
            inner.append(ast.copy_location(
                ast.Assign(targets=[ast.Name(_LAST, ast.Store())], value=last.value), last))
            tail = [ast.copy_location(ast.Expr(ast.Name(_LAST, ast.Load())), last)]
        handler_body: list[ast.stmt] = [ast.Expr(ast.Call(ast.Name(_FAILED, ast.Load()),
                                                          [ast.Name(_EXC, ast.Load())], []))]
        if last is not None:
            handler_body.append(ast.Assign(targets=[ast.Name(_LAST, ast.Store())], value=ast.Constant(None)))
        guarded = ast.Try(body=inner,
                          handlers=[ast.ExceptHandler(type=ast.Name("NotImplementedError", ast.Load()),
                                                      name=_EXC, body=handler_body)],
                          orelse=[], finalbody=[])
        ast.copy_location(guarded, body[0])
        node.body = [guarded] + tail
        return ast.fix_missing_locations(node)


def _reporter(functions: dict[str, str], language: str = "en"):
    def report(exc: BaseException) -> None:
        function = qid = None
        tb = exc.__traceback__
        while tb is not None:                 # the innermost learner function named by a question
            name = tb.tb_frame.f_code.co_name
            if name in functions:
                function, qid = name, functions[name]
            tb = tb.tb_next
        print(i18n.translate(unanswered_line(function, qid), language))
    return report


def install(functions: dict[str, str], language: str = "en") -> bool:
    """In IPython, guard every later cell; ``functions`` maps answer function names to question ids.
    The line is printed in ``language`` (the notebook's: ``"en"`` or ``"zh"``)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "ast_transformers"):
        return False
    shell.ast_transformers[:] = [t for t in shell.ast_transformers if not isinstance(t, CellGuard)]
    shell.ast_transformers.append(CellGuard())
    shell.user_ns[_FAILED] = _reporter(functions, language)
    return True
