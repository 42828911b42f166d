"""Learner-facing messages in the notebook's language: English (the source) or Chinese.

The English wording has one home: :mod:`course_check.feedback`, :mod:`course_check.judge` and the
few lines the grader composes from them. This module holds the Chinese side only and renders a
finished English message in another language with :func:`translate`:

- the question titles and hints, and the fixed hints of :mod:`course_check.judge`, are *phrases*:
  whole English texts with their Chinese translation, kept in ``course_check/data/zh/phrases.json``
  keyed by a hash of the English text (like the notebook catalogs in ``zh/catalogs``), so a changed
  English title or hint shows up as a missing translation (``tests/test_i18n.py``);
- every sentence pattern of the feedback is a *template*: a regular expression over the English
  sentence and its Chinese rendering (:data:`TEMPLATES`).

Rendering a finished message, rather than threading a language through every function that words
one, means the same function localises ``check()``'s lines in the kernel, the grader's feedback on a
zh submission and the lines stored in ``zh/solutions`` (tools/translations.py) — so the three agree
by construction. A message is in Chinese when its notebook says ``metadata.companion.language ==
"zh"`` (:func:`notebook_language`); ``check()`` finds its notebook with :func:`kernel_language`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

__all__ = ["LANGUAGES", "translate", "localize_output", "phrase", "label", "notebook_language", "language_of_file",
           "kernel_language", "phrase_key", "PHRASES", "TEMPLATES", "JUDGE_TEMPLATES", "FIXED_PHRASES"]

LANGUAGES = ("en", "zh")
PHRASES = Path(__file__).resolve().parent / "data" / "zh" / "phrases.json"


def phrase_key(text: str) -> str:
    """The catalog key of an English text: the first 16 hex digits of its SHA-256 (as zh/catalogs)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------ which language
def notebook_language(nb: dict) -> str:
    """``"zh"`` when a notebook's ``metadata.companion.language`` says so, else ``"en"``."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    companion = meta.get("companion") if isinstance(meta, dict) else None
    language = companion.get("language") if isinstance(companion, dict) else None
    return language if language in LANGUAGES else "en"


_ZH_MARK = re.compile(r'"companion"\s*:\s*\{[^{}]*"language"\s*:\s*"zh"')


def language_of_file(path: str | Path) -> str:
    """The language of a notebook file; a file that is not valid JSON is read for its marker, so
    that even a broken zh submission is told what is wrong in Chinese."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "en"
    try:
        return notebook_language(json.loads(text))
    except ValueError:
        return "zh" if _ZH_MARK.search(text) else "en"


def kernel_language(stem: str, cwd: str | Path | None = None) -> str:
    """The language of the notebook a kernel runs, for ``check()`` (which runs inside it).

    ``JPY_SESSION_NAME`` (set by jupyter_server to the notebook's path) when it names an existing
    ``.ipynb``; otherwise the chapter's practice notebook ``<stem>_practice.ipynb`` in the current
    directory (JupyterLab, nbval and nbclient start the kernel in the notebook's folder); otherwise
    English.
    """
    folder = Path(cwd) if cwd is not None else Path.cwd()
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        for candidate in (Path(session), folder / session, folder / Path(session).name):
            if candidate.is_file():
                return language_of_file(candidate)
    local = folder / f"{stem}_practice.ipynb"
    return language_of_file(local) if local.is_file() else "en"


# ------------------------------------------------------------------ phrases (titles, hints)
#: English texts worded in course_check itself (judge.WARNING_HINTS) and their Chinese.
FIXED_PHRASES = {
    "np.exp overflowed: use a numerically stable form (e.g. a numerically stable sigmoid that "
    "branches on the sign of z and only computes exp(-|z|), or subtract the row maximum before "
    "a softmax)":
        "np.exp 溢出了：请改用数值稳定的写法（例如按 z 的符号分支、只计算 exp(-|z|) 的数值稳定 sigmoid，"
        "或在 softmax 之前先减去每行的最大值）",
    "log(0) happened: keep probabilities away from 0 (clip them) or combine softmax and "
    "cross-entropy in one stable step":
        "出现了 log(0)：让概率远离 0（截断它们），或把 softmax 与交叉熵合并成一步稳定的计算",
    "a NaN was produced (0/0, inf - inf or log of a negative number): check the formula "
    "for extreme inputs":
        "产生了 NaN（0/0、inf - inf 或对负数取对数）：请检查公式在极端输入下的表现",
    "a division by zero happened: check denominators (add a small epsilon where the "
    "formula allows it)":
        "发生了除以零：请检查分母（在公式允许处加一个很小的 epsilon）",
    "a value overflowed to infinity: rescale the computation or use a stable formula":
        "有值溢出为无穷大：请调整计算的尺度，或使用数值稳定的公式",
}


@lru_cache(maxsize=1)
def _phrases() -> dict[str, str]:
    """English -> Chinese of every phrase (the stored catalog and :data:`FIXED_PHRASES`)."""
    table = dict(FIXED_PHRASES)
    if PHRASES.is_file():
        for entry in json.loads(PHRASES.read_text(encoding="utf-8"))["phrases"].values():
            if entry.get("zh"):
                table[entry["en"]] = entry["zh"]
    return table


def phrase(text: str, language: str) -> str:
    """A title or hint in ``language`` (the English text when it has no translation yet)."""
    if language != "zh" or not text:
        return text
    return _phrases().get(text, text)


# ------------------------------------------------------------------ labels of reports
LABELS = {
    "hint": "提示", "note": "注意", "warning": "警告", "score": "得分", "passed": "通过",
    "partial": "部分通过", "FAILED": "未通过", "partly passed": "部分通过", "not passed": "未通过",
    "question": "题目", "points": "分数", "verdict": "结果", "student": "学生", "notebook": "笔记本",
    "problem": "问题", "Feedback": "评分反馈", "Hint": "提示", "unknown assignment": "未知作业",
    "(not identified)": "（未识别）", "hidden cases": "隐藏用例",
}


def label(word: str, language: str) -> str:
    """A report's fixed word (``"score"``, ``"passed"``, …) in ``language``."""
    return LABELS.get(word, word) if language == "zh" else word


# ------------------------------------------------------------------ sentence templates
_KINDS = {"booleans": "布尔值", "integers": "整数", "floating-point numbers": "浮点数",
          "complex numbers": "复数", "numbers": "数值"}


def _label_zh(text: str) -> str:
    """``case 3`` / ``hidden case 3`` / ``argument 2`` in Chinese."""
    text = re.sub(r"\bhidden case (\d+)", r"隐藏用例 \1", text)
    text = re.sub(r"\bcase (\d+)", r"用例 \1", text)
    return re.sub(r"\bargument (\d+)", r"第 \1 个参数", text)


def _place_zh(place: str) -> str:
    """Where a sandboxed run failed (see :func:`course_check.feedback.sandbox_failure`)."""
    m = re.fullmatch(r"in (\S+\(\)) \((.*)\)", place)
    if m:
        return f"在 {m.group(1)} 中（{_label_zh(m.group(2))}）"
    m = re.fullmatch(r"while running (.*) of the notebook, before (\S+\(\)) was called", place)
    if m:
        return f"在运行笔记本的{_where_zh(m.group(1))}时（{m.group(2)} 被调用之前）"
    m = re.fullmatch(r"while starting or finishing the run of (\S+\(\))", place)
    return f"在启动或结束 {m.group(1)} 的运行时" if m else place


def _where_zh(where: str) -> str:
    m = re.fullmatch(r"cell (\d+)", where.strip())
    return f"第 {m.group(1)} 个单元格" if m else where


def _kind(name: str) -> str:
    return _KINDS.get(name, name)


def _key_items(listed: str) -> str:
    return re.sub(r" in cell (\d+)", r"（第 \1 个单元格）", re.sub(r" in (\S+\(\))", r"（\1 中）", listed))


# The property judges of the answer key (grader/questions) word their own findings; they reach a
# learner through the grader (and through check() where the key is installed). V is one value.
V = r"(.+?)"
_GRADS = {"weight": "权重", "bias": "偏置", "the reference": "参考答案", "finite differences": "有限差分"}
JUDGE_TEMPLATES: list[tuple[str, str | Callable[[re.Match], str]]] = [
    (rf"w should have shape \({V}\), got {V}$", r"w 的形状应为 (\1)，实际为 \2"),
    (rf"\(w, b\) misclassifies {V} of {V} training examples", r"(w, b) 把 \2 个训练样本中的 \1 个分错了"),
    (rf"expected one input of shape \(2,\), got shape {V}$", r"应为一个形状为 (2,) 的输入，实际形状为 \1"),
    (rf"{V} is not one of the four inputs \(0,0\), \(0,1\), \(1,0\), \(1,1\)", r"\1 不是 (0,0)、(0,1)、(1,0)、(1,1) 这四个输入之一"),
    (rf"the perceptron outputs {V} at {V}, which is XOR's value there: this input is not a counterexample",
     r"感知机在 \2 处输出 \1，这正是异或在该处的值：这个输入不是反例"),
    (r"expected a pair \(w, b\): w an array of shape \(d,\), b a number", "应返回一对 (w, b)：w 是形状为 (d,) 的数组，b 是一个数"),
    (r"expected one input x = \(x1, x2\) as an array of shape \(2,\)", "应返回一个输入 x = (x1, x2)，即形状为 (2,) 的数组"),
    (rf"expected 2 layers \(2-2-1\), got {V} weight matrices and {V} bias vectors", r"应有 2 层（2-2-1），实际有 \1 个权重矩阵和 \2 个偏置向量"),
    (r"expected shapes W1 \(2, 2\), W2 \(1, 2\), b1 \(2,\), b2 \(1,\); got ", "形状应为 W1 (2, 2)、W2 (1, 2)、b1 (2,)、b2 (1,)；实际为 "),
    (r"weights and biases must be finite numbers", "权重和偏置必须是有限的数"),
    (rf"outputs {V} for inputs \(0,0\), \(0,1\), \(1,0\), \(1,1\); each must be within 0\.1 of XOR = \[0, 1, 1, 0\] "
     rf"\(worst miss {V}\)$", r"对输入 (0,0)、(0,1)、(1,0)、(1,1) 的输出为 \1；每个都必须与异或 = [0, 1, 1, 0] 相差不超过 0.1（最大偏差 \2）"),
    (r"expected a pair \(weights, biases\) of two lists of arrays", "应返回一对 (weights, biases)，即两个数组列表"),
    (rf"at index {V} the finite difference of the cost is {V}, you gave {V}$", r"在索引 \1 处，代价的有限差分是 \2，你给出的是 \3"),
    (r"got no batches at all", "一个批量也没有得到"),
    (r"each batch must be an array of integer indices", "每个批量都必须是整数索引的数组"),
    (rf"batch sizes {V} differ from {V}$", r"批量大小 \1 与 \2 不同"),
    (rf"the batches together must hold each index 0\.\.{V} exactly once", r"所有批量合起来必须恰好包含索引 0..\1 各一次"),
    (r"the indices are in order 0, 1, 2, \.\.\.: shuffle them \(with the given seed\)", "索引是按 0, 1, 2, ... 的顺序排列的：请（用给定的 seed）打乱它们"),
    (r"expected a list of 1-D integer arrays", "应返回一维整数数组的列表"),
    (rf"expected {V} weight gradients and {V} bias gradients, got {V} and {V}$", r"应有 \1 个权重梯度和 \2 个偏置梯度，实际为 \3 个和 \4 个"),
    (r"the gradients contain NaN or infinity", "梯度中含有 NaN 或无穷大"),
    (rf"(weight|bias) gradients and (the reference|finite differences) disagree in layer {V} at index {V}: got {V}, expected {V}$",
     lambda m: (f"{_GRADS[m.group(1)]}梯度与{_GRADS[m.group(2)]}在第 {m.group(3)} 层的索引 {m.group(4)} 处不一致："
                f"实际为 {m.group(5)}，应为 {m.group(6)}")),
    (r"expected a pair \(grad_weights, grad_biases\) of two lists of arrays", "应返回一对 (grad_weights, grad_biases)，即两个数组列表"),
    (rf"grad_(weights|biases)\[{V}\] should have the shape of ([Wb]){V}, {V}; got {V}$", r"grad_\1[\2] 的形状应与 \3\4 相同，即 \5；实际为 \6"),
    (rf"expected {V} predicted labels \(shape {V}\), got shape {V}$", r"应有 \1 个预测标签（形状 \2），实际形状为 \3"),
    (rf"test accuracy {V} is below the target {V}$", r"测试准确率 \1 低于目标 \2"),
    (r"expected an array of predicted labels, one per test image", "应返回预测标签的数组，每张测试图像一个"),
    (rf"accepted must be True or False, got {V}$", r"accepted 必须是 True 或 False，实际为 \1"),
    (r"f_new must be f\(x_new\), the cost of the point you return", "f_new 必须等于 f(x_new)，即你返回的点的代价"),
    (r"a rejected move must return the old point x and its cost fx unchanged", "被拒绝的移动必须原样返回旧的点 x 及其代价 fx"),
    (rf"expected one whole number of restarts, got {V}$", r"应为一个表示重启次数的整数，实际为 \1"),
    (rf"at least one start is needed, got k = {V}$", r"至少需要一个起点，实际 k = \1"),
    (rf"k = {V} restarts succeed with probability {V} < target {V}$", r"k = \1 次重启的成功概率为 \2 < 目标 \3"),
    (rf"k = {V} is not the smallest: k - 1 = {V} already reaches {V} ≥ {V}$", r"k = \1 不是最小的：k - 1 = \2 就已达到 \3 ≥ \4"),
    (r"expected a tuple \(x_new, f_new, accepted\)", "应返回元组 (x_new, f_new, accepted)"),
    (rf"expected one whole number N ≥ 1, got {V}$", r"应为一个整数 N ≥ 1，实际为 \1"),
    (rf"N = {V} is too small: the bound \(L/N\)\(1 \+ steepness\) is {V} > ε", r"N = \1 太小：上界 (L/N)(1 + 陡度) 为 \2 > ε"),
    (rf"N = {V} is not the smallest: N − 1 already meets the bound", r"N = \1 不是最小的：N − 1 就已满足上界"),
    (rf"expected one whole number, got {V}$", r"应为一个整数，实际为 \1"),
    (rf"{V} neurons cannot represent T\^{V} exactly on \[0, 1\]", r"\1 个神经元无法在 [0, 1] 上精确表示 T^\2"),
    (rf"{V} neurons already suffice", r"\1 个神经元就已足够"),
    (rf"expected k = {V} pairs \(train_idx, val_idx\), got {V}$", r"应有 k = \1 对 (train_idx, val_idx)，实际为 \2 对"),
    (rf"every index 0\.\.{V} must appear in exactly one validation fold", r"每个索引 0..\1 都必须恰好出现在一个验证折中"),
    (rf"fold sizes must differ by at most one \(n // k or n // k \+ 1\); got sizes {V}$", r"各折的大小最多相差一（n // k 或 n // k + 1）；实际大小为 \1"),
    (r"does not match t steps of w ← w − η\(g \+ λw\) carried out one by one", "与逐步执行 t 次 w ← w − η(g + λw) 的结果不一致"),
    (rf"{V} disagrees with central finite differences of sum\(dY \* BN\(X\)\)", r"\1 与 sum(dY * BN(X)) 的中心差分不一致"),
    (rf"kfold_indices\({V}, {V}, seed\) gives the same folds for the seeds {V}: shuffle the indices with "
     r"np\.random\.default_rng\(seed\)", r"kfold_indices(\1, \2, seed) 对种子 \3 给出了相同的折：请用 np.random.default_rng(seed) 打乱索引"),
    (r"expected a list of k pairs \(train_idx, val_idx\)", "应返回含 k 对 (train_idx, val_idx) 的列表"),
    (rf"fold {V}: train_idx must hold exactly the indices not in val_idx", r"第 \1 折：train_idx 必须恰好包含不在 val_idx 中的索引"),
    (rf"kfold_indices\({V}, {V}, {V}\) gave different folds on two calls: make the generator from seed inside the "
     r"function \(np\.random\.default_rng\(seed\)\)", r"kfold_indices(\1, \2, \3) 两次调用给出了不同的折：请在函数内部由 seed 创建生成器（np.random.default_rng(seed)）"),
    (rf"got {V} parameters, expected {V}$", r"实际为 \1 个参数，应为 \2 个"),
    (rf"expected one number, got {V}$", r"应为一个数，实际为 \1"),
]


#: (English pattern, Chinese replacement: a template string or a function of the match), in order.
TEMPLATES: list[tuple[str, str | Callable[[re.Match], str]]] = [
    # course_check.feedback
    (r"not implemented yet \(this check is skipped; the notebook goes on\)", "尚未实现（跳过此检查，笔记本继续运行）"),
    (r"not implemented yet", "尚未实现"),
    (r"define a function named (\S+\(\)) and run its cell first", r"请先定义名为 \1 的函数，并运行它所在的单元格"),
    (r"no points: (\S+\(\)) uses (.+?), the course library's own version of what this question asks you "
     r"to write\. Write it yourself with NumPy\.",
     r"不得分：\1 使用了 \2，这是课程库自带的、本题要求你亲手编写的函数。请用 NumPy 自己实现。"),
    (r"no points: the code behind (\S+\(\)) reached for the course's answer key \((.*)\)\. The grader's "
     r"reference answers and hidden cases are not available to submissions; write the answer yourself\.",
     lambda m: (f"不得分：{m.group(1)} 背后的代码试图访问课程的答案（{_key_items(m.group(2))}）。"
                "评分程序的参考答案和隐藏用例不向提交开放；请自己写出答案。")),
    (r"the answer key is not available to your code \((.*?)\); write the answer yourself",
     r"你的代码不能使用答案（\1）；请自己写出答案"),
    (r"your function changed its input in place \((.*?)\); build a new array instead \(write w = w \+ … "
     r"rather than w \+= …\), so the caller's data stays as it was",
     lambda m: (f"你的函数原地修改了它的输入（{_label_zh(m.group(1))}）；请改为构造新数组"
                "（写 w = w + …，而不是 w += …），让调用者的数据保持原样")),
    (r"function (\S+\(\)) is not defined: write it in the answer cell \(keep its name\)",
     r"函数 \1 未定义：请在答案单元格中编写它（保留这个函数名）"),
    (r"cell (\d+) was interrupted: its time limit was exceeded \(stopped after (\S+) s\)",
     r"第 \1 个单元格被中断：超出了它的时间限制（\2 s 后停止）"),
    (r"cell (\d+) not run: the notebook's (\S+) s were used up", r"第 \1 个单元格未运行：笔记本的 \2 s 已用完"),
    (r"cell (\d+) raised (\w+): ", r"第 \1 个单元格抛出 \2："),
    (r"the (\d+) GiB memory limit was exceeded in (\S+\(\)) \((.*?)\)",
     lambda m: f"{m.group(2)} 超出了 {m.group(1)} GiB 的内存限制（{_label_zh(m.group(3))}）"),
    (r"(\S+) s time limit exceeded in (\S+\(\)) \((.*?)\)",
     lambda m: f"{m.group(2)} 超出了 {m.group(1)} s 的时间限制（{_label_zh(m.group(3))}）"),
    (r"((?:hidden )?case \d+) not run: the (\S+) s for this question were used up by earlier cases",
     lambda m: f"{_label_zh(m.group(1))} 未运行：本题的 {m.group(2)} s 已被前面的用例用完"),
    (r"time limit exceeded (.+?) \(the code did not stop when interrupted\)",
     lambda m: f"{_place_zh(m.group(1))}超出时间限制（代码被中断后仍未停止）"),
    (r"CPU time limit exceeded (.+)$", lambda m: f"{_place_zh(m.group(1))}超出 CPU 时间限制"),
    (r"the run was stopped by (\S+)( \(often: the memory limit\))? (.+)$",
     lambda m: f"{_place_zh(m.group(3))}，运行被 {m.group(1)} 终止" + ("（常见原因：内存限制）" if m.group(2) else "")),
    (r"your code ended the process \(exit status (-?\d+)\) (.+?); don't call exit\(\) in a notebook",
     lambda m: f"你的代码{_place_zh(m.group(2))}结束了进程（退出状态 {m.group(1)}）；不要在笔记本中调用 exit()"),
    (r" at (<cell \d+>) line (\d+)", r"（位置：\1 第 \2 行）"),
    (r"\b((?:hidden )?case \d+) raised (\w+): ", lambda m: f"{_label_zh(m.group(1))} 抛出 {m.group(2)}："),
    (r"\braised (\w+): ", r"抛出 \1："),
    # course_check.judge
    (r"note: a warning was raised: ", "注意：出现了警告："),
    (r"note: your result is (\w+); the reference is (\w+)\. It was judged with \1 precision; compute in \2 to "
     r"match the reference fully",
     r"注意：你的结果是 \1，参考答案是 \2。已按 \1 的精度评判；用 \2 计算才能与参考答案完全一致"),
    (r"your result is (\w+); the reference is (\w+): keep the computation in \2 \(no astype\(\1\) or \1 inputs\)",
     r"你的结果是 \1，参考答案是 \2：请保持用 \2 计算（不要 astype(\1)，也不要用 \1 的输入）"),
    (r"your result is (\w+); the reference is (\w+) \(judged with \1 precision, rtol (\S+)\): compute in \2",
     r"你的结果是 \1，参考答案是 \2（按 \1 的精度评判，rtol \3）：请用 \2 计算"),
    (r"expected (booleans|integers|floating-point numbers|complex numbers) \((\w+)\), "
     r"got (booleans|integers|floating-point numbers|complex numbers|\w+) \((\w+)\)",
     lambda m: f"应为{_kind(m.group(1))}（{m.group(2)}），实际为{_kind(m.group(3))}（{m.group(4)}）"),
    (r"expected numbers, got (\w+)", r"应为数值，实际为 \1"),
    (r"expected shape (\(.*?\)), got shape (\(.*?\))", r"形状应为 \1，实际为 \2"),
    (r"expected a tuple of (\d+) items, got (\w+)", r"应为含 \1 项的元组，实际为 \2"),
    (r"expected (\d+) items, got (\d+)", r"应有 \1 项，实际有 \2 项"),
    (r"expected (\w+) arrays, got (\w+)", r"应为 \1 数组，实际为 \2"),
    (r"(\d+) of (\d+) values differ", r"\2 个值中有 \1 个不同"),
    (r"largest absolute error (\S+), ", r"最大绝对误差 \1，"),
    (r"largest relative error (\S+)", r"最大相对误差 \1"),
    (r"relative error undefined \(the expected values there are 0\)", "相对误差无定义（这些位置的期望值为 0）"),
    (r"first mismatch at index (.+?): expected (\S+), got (\S+?)(?=;|$|\n)", r"第一个不一致处在索引 \1：应为 \2，实际为 \3"),
    (r"your output contains NaN", "你的输出含有 NaN"),
    (r"the output could not be checked \((.*)\)", r"无法检查输出（\1）"),
    (r"the output does not have the required property", "输出不具备所要求的性质"),
    (r"\b(list|tuple) of (\d+)\b", r"含 \2 项的 \1"),
    # course_check.checker and course_check.demo
    (r": (\d+) visible case\(s\) passed", r"：\1 个可见用例全部通过"),
    (r"\(the grader also checks properties of your answer on more cases\)", "（评分程序还会在更多用例上检查你的答案的性质）"),
    (r": the visible cases together: ", "：把这些可见用例合起来看："),
    (r"qid must be one of (\[.*?\]) for notebook ('[^']*'), got (.+)$", r"qid 必须是 \1 之一（笔记本 \2），实际为 \3"),
    (r"\(this cell needs (\S+\(\)) from (Q\d+), not written yet: answer \2, run its cell, then this one\)",
     r"（此单元格需要 \2 的 \1，它还没有写好：请先完成 \2、运行它的单元格，再运行本单元格）"),
    (r"\(this cell needs an answer that is not written yet: answer the questions above it first\)",
     "（此单元格需要的答案还没有写好：请先完成它上面的题目）"),
    # grader.runner and grader.notebook
    (r"(\d+) of (\d+) cases failed; first: ", r"\2 个用例中有 \1 个未通过；第一个："),
    (r"^all (\d+) cases passed", r"全部 \1 个用例通过"),
    (r"the outputs could not be checked together \((.*)\)", r"无法把这些输出合起来检查（\1）"),
    (r"the cases together: ", "把这些用例合起来看："),
    (r"the sandbox returned malformed results", "沙箱返回的结果格式有误"),
    (r"(\w+) is a (.+?), not a function", r"\1 是 \2，不是函数"),
    (r"this question could not be graded \((.*)\); please tell the course maintainers",
     r"本题无法评分（\1）；请告知课程维护者"),
    (r"not graded: ", "未评分："),
    (r"cannot read (\S+): ", r"无法读取 \1："),
    (r"(\S+) is not a valid notebook \(broken JSON at line (\d+), column (\d+)\); re-download it or open "
     r"and save it in Jupyter", r"\1 不是有效的笔记本（JSON 在第 \2 行第 \3 列损坏）；请重新下载，或在 Jupyter 中打开并保存它"),
    (r"(\S+) is not a valid notebook \(no list of cells\)", r"\1 不是有效的笔记本（没有单元格列表）"),
    (r"(\S+) is not a valid notebook \(cell (\d+) is malformed\)", r"\1 不是有效的笔记本（第 \2 个单元格格式有误）"),
    (r"no questions are defined for assignment (.+)$", r"作业 \1 没有定义题目"),
    (r"no questions are defined for (\S+): name it like one of (.+?), set metadata\.companion\.chapter, or "
     r"grade it with --assignment NN",
     r"\1 没有对应的题目：请把文件命名为 \2 之一，或设置 metadata.companion.chapter，或用 --assignment NN 评分"),
    (r"this notebook was made from version (\S+) of the (\S+) questions; it is graded with version (\S+) "
     r"\(see docs/question-changes\.md for what changed\)",
     r"本笔记本是按 \2 题目的第 \1 版制作的，现按第 \3 版评分（改动见 docs/question-changes.md）"),
    # labels, last: what is left of a composed line
    (r"(?m)^hint: ", "提示："),
    (r"\n  hint: ", "\n  提示："),
    (r"\bhidden case (\d+)", r"隐藏用例 \1"),
    (r"\bcase (\d+)", r"用例 \1"),
    (r"\bargument (\d+)", r"第 \1 个参数"),
]

_COMPILED: list[tuple[re.Pattern, str | Callable]] = []


def _templates() -> list[tuple[re.Pattern, str | Callable]]:
    if not _COMPILED:
        _COMPILED.extend((re.compile(p, re.M), r) for p, r in JUDGE_TEMPLATES + TEMPLATES)
    return _COMPILED


@lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(e) for e in sorted(_phrases(), key=len, reverse=True)))


def _swap_phrases(text: str) -> str:
    """Replace every whole English phrase (longest first, in one pass, so a Chinese text is never
    rewritten again) that occurs in ``text`` by its Chinese."""
    return _phrase_pattern().sub(lambda m: _phrases()[m.group(0)], text)


def translate(text: str, language: str) -> str:
    """A finished English message in ``language`` (``"en"`` returns it unchanged).

    Titles and hints are swapped first (whole texts), then each sentence template is applied; what
    matches no template (a learner's exception message, a value) is kept as it is.
    """
    if language != "zh" or not text:
        return text
    text = _swap_phrases(text)
    for pattern, replacement in _templates():
        text = pattern.sub(replacement, text)
    text = re.sub(r"(?<=[\u4e00-\u9fff）]) ?; ?| ?; ?(?=[\u4e00-\u9fff])", "；", text)
    return re.sub(r"(?<=[\u4e00-\u9fff）]): |: (?=[\u4e00-\u9fff])", "：", text)


#: the lines ``check()`` and the demo-cell guard print: ``q3 <title>: …``, their indented notes and
#: hints, and ``(this cell needs …)``
_CHECK_LINE = re.compile(r"^(q\d+ .*|  (hint|note): .*|  \(the grader also checks .*|\(this cell needs .*)$")


def localize_output(text: str, language: str) -> str:
    """A code cell's stored stdout with the lines ``check()`` printed rendered in ``language``.

    The zh notebooks are built from the English ones with their outputs (tools/translations.py);
    this gives their stored ``check()`` lines exactly what running the zh notebook prints, and
    leaves every other line untouched.
    """
    if language != "zh" or not text:
        return text
    lines = text.split("\n")
    return "\n".join(translate(line, language) if _CHECK_LINE.match(line) else line for line in lines)
