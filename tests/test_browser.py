"""The course as a learner meets it: every chapter run in real JupyterLab in a real browser.

The test starts JupyterLab itself (a free localhost port, a random token, a temporary copy of the
course so nothing in the repository is rewritten), opens each notebook in `chapters/` through the
file browser, checks that it opens without the unsaved-changes dot, clears all outputs and runs all
cells from the menus, then asserts what a learner would see: the kernel idle at the end, no error
or stderr output, every image loaded, every widget rendered (no "Loading widget…", "Error
displaying widget" or raw `interactive(children=…)` text), no MathJax error and no Markdown
emphasis or TeX left literal where math should be. In chapters with an explorer it moves one
slider and changes one dropdown, and asserts that the figure changed. It saves one screenshot
per chapter under test-output/browser/ (with times.tsv, the run time of each chapter), and finally
opens two pages of the course website and checks their figures and math.

The Chinese edition gets the same run for its start page and one chapter (zh/chapters/), and two pages
of the Chinese website; on each, Chinese text must be drawn with real glyphs, not the empty boxes
("tofu") a browser draws when no font has the characters (`.ci/run` installs fonts-noto-cjk): see
`CJK_GLYPHS`. The JupyterLab server must offer the Chinese language pack (Settings → Language).

Why Playwright (for Python) and not Selenium: one pip package in the `dev` extra, with no driver
binary that must match the browser build (Selenium needs a chromedriver of exactly the browser's
version; GitHub's runners ship Chrome, Debian ships chromium + chromium-driver); locators that wait
by themselves instead of sleeps; `page.evaluate` to read JupyterLab's own state (kernel status,
outputs, the dirty flag) rather than guessing from pixels; screenshots built in. Playwright cannot
download its own browsers on these machines, so it launches the system's Chromium by path:
$CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Chrome. `.ci/run` installs chromium with apt
when none is found; without one the test is skipped with a line saying how to enable it.

Everything started here (JupyterLab, its kernels, the browser) is stopped in the fixtures'
teardown, whether the test passed or failed.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("chapters/*.ipynb"))
# The Chinese edition in JupyterLab: its start page and one chapter (the rest run the same code cells).
ZH_NOTEBOOKS = [p for p in (ROOT / "zh" / "chapters" / "00_start_here.ipynb", ROOT / "zh" / "chapters" / "01_neurons.ipynb")
                if p.is_file()]
OUTPUT = ROOT / "test-output" / "browser"
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
RUN_TIMEOUT_S = 300
HOW_TO_ENABLE = ("no Chromium found for the real-browser test: install it (`sudo apt-get install chromium`, "
                 "or run `bash .ci/run` as root, which does) or set CHROMIUM_PATH=/path/to/chrome")

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------- JupyterLab

def lab_home(base: pathlib.Path) -> dict:
    """A temporary copy of the course and JupyterLab settings of its own (no user settings leak in)."""
    course = base / "course"
    for folder in ("chapters", "exercises", "solutions", "zh/chapters", "zh/exercises", "zh/solutions"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, course / folder)
    shutil.copy(ROOT / "README.md", course / "README.md")
    settings = base / "settings"
    # Every cell in the DOM (no virtual scrolling), so every image, widget and formula can be checked.
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return {"course": course, "settings": settings, "workspaces": base / "workspaces"}


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    home = lab_home(tmp_path_factory.mktemp("lab"))
    port, token = free_port(), secrets.token_hex(24)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home["settings"]),
               JUPYTERLAB_WORKSPACES_DIR=str(home["workspaces"]))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home['course']}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0"]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = open(home["course"].parent / "server.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(server, f"{base}/api/status?token={token}", home["course"].parent / "server.log")
        yield {"url": base, "token": token}
    finally:
        stop_server(server, base, token)
        log.close()


def wait_for_server(server, url: str, log: pathlib.Path, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop_server(server, base: str, token: str) -> None:
    """Shut down kernels and server politely, then make sure no process of theirs is left."""
    import psutil

    try:
        family = [server.pid] + [p.pid for p in psutil.Process(server.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = [server.pid]
    try:
        request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
        server.wait(timeout=30)
    except Exception:  # noqa: BLE001 - whatever went wrong, the processes are killed below
        pass
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if server.poll() is None:
        server.wait(timeout=10)


# --------------------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip(HOW_TO_ENABLE)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: `pip install -e '.[dev]'` (make test does) to run the browser test")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=BROWSER_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def lab_page(browser, jupyterlab):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(f"{jupyterlab['url']}/lab?reset&token={jupyterlab['token']}")
    page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "times.tsv").write_text("notebook\topen_and_kernel_s\trun_all_s\tchecks_s\texplorers_s\ttotal_s\n")
    yield page
    page.close()


CURRENT = "window.jupyterapp.shell.currentWidget"
KERNEL_IDLE = f"""() => {{ const w = {CURRENT};
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.status === 'idle'; }}"""
RUN_FINISHED = f"""() => {{ const w = {CURRENT};
    const k = w.sessionContext.session && w.sessionContext.session.kernel;
    if (!k || k.status !== 'idle') return false;
    if (document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt').length &&
        [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
            .some(p => p.textContent.includes('*'))) return false;
    const cells = [...w.content.model.cells].filter(c => c.type === 'code' && c.sharedModel.getSource().trim());
    const errored = cells.some(c => c.outputs.toJSON().some(o => o.output_type === 'error'));
    return errored || cells.every(c => c.executionCount !== null); }}"""
OUTPUTS = f"""() => [...{CURRENT}.content.model.cells].filter(c => c.type === 'code').map(c => ({{
    source: c.sharedModel.getSource().split('\\n')[0].slice(0, 60),
    tags: c.getMetadata('tags') || [], count: c.executionCount, outputs: c.outputs.toJSON() }}))"""
PAGE_PROBLEMS = r"""() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const text = panel.innerText;
    const found = [];
    for (const bad of ['Loading widget', 'Error displaying widget', 'Math input error', 'Undefined control sequence'])
        if (text.includes(bad)) found.push(`page shows "${bad}"`);
    const raw = text.match(/\b\w+\(children=/);
    if (raw) found.push(`a widget shows as raw text "${raw[0]}…"`);
    for (const img of panel.querySelectorAll('img'))
        if (!img.complete || img.naturalWidth === 0) found.push(`an image did not load: ${img.src.slice(0, 60)}`);
    if (panel.querySelector('mjx-merror, .MathJax_Error')) found.push('MathJax reports an error in a formula');
    for (const md of panel.querySelectorAll('.jp-RenderedMarkdown')) {
        for (const em of md.querySelectorAll('em, strong'))
            if (!em.closest('mjx-container') && /[\\^_{}$]/.test(em.textContent))
                found.push(`Markdown emphasis inside math: "${em.textContent.slice(0, 40)}"`);
        const walker = document.createTreeWalker(md, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement.closest('mjx-container, code, pre, script, style')) continue;
            const m = node.textContent.match(/\$[^$\s][^$]*\$|\\(frac|sum|partial|mathbf|sigma|nabla|odot)\b/);
            if (m) found.push(`math left as text: "${m[0].slice(0, 40)}"`);
        }
    }
    return found; }"""


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-content .lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def open_from_file_browser(page, path: pathlib.Path) -> None:
    """Open a notebook as a learner does: from the file browser's home, one double-click per folder."""
    page.locator(".jp-BreadCrumbs-home").first.click()
    for name in path.parts:
        page.locator(".jp-DirListing-item", has=page.locator(".jp-DirListing-itemText", has_text=re.compile(
            f"^{re.escape(name)}$"))).dblclick()
    page.wait_for_function(f"() => {{ const w = {CURRENT}; return w && w.context && w.context.path === "
                           f"'{path.as_posix()}' && w.context.isReady; }}")


def output_problems(cells: list[dict]) -> list[str]:
    found = []
    for cell in cells:
        where = f"cell {cell['count']} ({cell['source']!r})"
        for out in cell["outputs"]:
            if out["output_type"] == "error" and "raises-exception" not in cell["tags"]:
                found.append(f"{where}: {out['ename']}: {out['evalue'][:200]}")
            if out["output_type"] == "stream" and out.get("name") == "stderr":
                found.append(f"{where}: stderr {''.join(out['text'])[:200]!r}")
    return found


EXPLORERS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
    .filter(o => o.querySelector('.jupyter-widgets') && o.querySelector('img'))
    .map((o, i) => { o.setAttribute('data-explorer', i);
        return {index: i, slider: !!o.querySelector('.noUi-handle'), dropdown: !!o.querySelector('.widget-dropdown select')}; })"""


def figure_of(page, index: int) -> str:
    return page.evaluate(f"() => [...document.querySelector('[data-explorer=\"{index}\"]').querySelectorAll('img')]"
                         ".map(i => i.src).join('|')")


def settled_figure(page, index: int, timeout: float = 60) -> str:
    """The explorer's figure once the kernel is idle and the image has stayed the same for a second
    (a slider dragged with continuous updates queues several redraws)."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        current = figure_of(page, index) if page.evaluate(KERNEL_IDLE) else None
        if current != last:
            last, since = current, time.monotonic()
        elif current and time.monotonic() - since >= 1.0:
            return current
        time.sleep(0.2)
    return last or ""


def figure_changes(page, index: int, action, timeout: float = 30) -> bool:
    """Do `action` on explorer `index`; True when its settled figure differs from the one before."""
    before = settled_figure(page, index)
    action()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if settled_figure(page, index, timeout=max(deadline - time.monotonic(), 1)) not in (before, ""):
            return True
    return False


def move_slider(page, index: int, which: int) -> None:
    handle = page.locator(f'[data-explorer="{index}"] .noUi-handle').nth(which)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    track = page.locator(f'[data-explorer="{index}"] .noUi-target').nth(which).bounding_box()
    step = 60 if box["x"] + 60 < track["x"] + track["width"] else -60
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + step, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()


def change_dropdown(page, index: int, which: int) -> None:
    select = page.locator(f'[data-explorer="{index}"] .widget-dropdown select').nth(which)
    select.scroll_into_view_if_needed()
    options = select.locator("option").all_inner_texts()
    current = select.evaluate("s => s.options[s.selectedIndex].text")
    select.select_option(label=next(o for o in options if o != current))


def exercise_explorers(page) -> list[str]:
    """Move a slider and change a dropdown of the first explorers that have them; assert each redraws
    the figure. A control may legitimately change nothing (a leaky-ReLU slope while sigmoid is shown),
    so each control of that explorer is tried in turn, last first (explorers put the control that
    always matters, such as a range or a step count, last), until one redraws. Returns what was done."""
    explorers = page.evaluate(EXPLORERS)
    done = []
    for kind, selector, act in (("slider", ".noUi-handle", move_slider), ("dropdown", ".widget-dropdown select",
                                                                           change_dropdown)):
        target = next((e for e in explorers if e[kind]), None)
        if target is None:
            continue
        n = page.locator(f'[data-explorer="{target["index"]}"] {selector}').count()
        changed = any(figure_changes(page, target["index"], lambda w=which: act(page, target["index"], w))
                      for which in reversed(range(n)))
        assert changed, f"no {kind} of explorer {target['index']} changed its figure ({n} tried)"
        done.append(kind)
    if explorers:
        page.locator(f'[data-explorer="{explorers[0]["index"]}"]').scroll_into_view_if_needed()
    return done


def stored_widget_views(path: pathlib.Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))


def close_and_shutdown(page) -> None:
    page.evaluate(f"""async () => {{ const w = {CURRENT}; w.context.model.dirty = false;
        await w.sessionContext.shutdown(); w.close(); }}""")


# Chinese text drawn with real glyphs: each of up to eight distinct CJK characters of `root` is drawn alone
# on a canvas in the font of the element that shows it, as are two unassigned code points (U+0378, U+0379),
# which no font has. Missing glyphs all come out as the same box (or nothing), so the characters must be
# inked, differ from one another, and differ from the unassigned code points.
CJK_GLYPHS = r"""([root, pattern]) => {
    root = typeof root === 'string' ? document.querySelector(root) : root;
    const letters = new RegExp(pattern || '[\u4e00-\u9fff]', 'gu');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const chars = new Set(); let family = null;
    while (walker.nextNode() && chars.size < 8) {
        const found = walker.currentNode.textContent.match(letters);
        if (!found) continue;
        family = family || getComputedStyle(walker.currentNode.parentElement).fontFamily;
        found.forEach(c => chars.size < 8 && chars.add(c));
    }
    if (!chars.size) return {chars: '', problems: ['no such character on the page']};
    const canvas = document.createElement('canvas'); canvas.width = canvas.height = 48;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const draw = (c) => { ctx.clearRect(0, 0, 48, 48); ctx.font = `32px ${family}`; ctx.textBaseline = 'top';
        ctx.fillText(c, 6, 6); return ctx.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3).join(','); };
    const blank = draw(''), missing = [draw('\u0378'), draw('\u0379')];
    const problems = [];
    if (missing[0] !== missing[1]) problems.push('two unassigned code points drew differently: cannot tell tofu');
    const seen = new Map();
    for (const c of chars) {
        const bits = draw(c);
        if (bits === blank) problems.push(`${c} draws nothing`);
        else if (missing.includes(bits)) problems.push(`${c} draws as a missing-glyph box`);
        else if (seen.has(bits)) problems.push(`${c} draws the same as ${seen.get(bits)} (boxes)`);
        seen.set(bits, c);
    }
    return {chars: [...chars].join(''), family, problems}; }"""


def assert_chinese_renders(page, root: str, where: str) -> None:
    result = page.evaluate(CJK_GLYPHS, [root, None])
    assert not result["problems"], (f"{where}: Chinese text does not render ({result['chars']!r} in {result.get('family')}): "
                                    + "; ".join(result["problems"]) + " — install a CJK font (fonts-noto-cjk)")


def screenshot_name(path: pathlib.Path) -> str:
    return ("zh_" if "zh" in path.relative_to(ROOT).parts else "") + f"{path.stem}.png"


@pytest.mark.skipif(not CHAPTERS, reason="no notebooks in chapters/")
@pytest.mark.parametrize("path", CHAPTERS + ZH_NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).with_suffix("").as_posix())
def test_chapter_runs_in_jupyterlab(lab_page, path):
    page, start = lab_page, time.monotonic()
    open_from_file_browser(page, path.relative_to(ROOT))
    try:
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        time.sleep(1)
        opened = time.monotonic() - start
        assert not page.evaluate(f"() => {CURRENT}.context.model.dirty"), (
            f"{path.name} shows unsaved changes right after opening; run `python tools/normalize_notebooks.py`")
        menu(page, "Edit", "Clear Outputs of All Cells")
        assert all(not c["outputs"] for c in page.evaluate(OUTPUTS)), "outputs were not cleared"
        run_start = time.monotonic()
        menu(page, "Run", "Run All Cells")
        page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT_S * 1000, polling=500)
        run_seconds = time.monotonic() - run_start
        cells = page.evaluate(OUTPUTS)
        problems = output_problems(cells)
        unrun = [c["source"] for c in cells if c["count"] is None and c["source"].strip()]
        problems += [f"cell not run: {s!r}" for s in unrun[:3]]
        assert page.evaluate(KERNEL_IDLE), "the kernel is not idle after Run All"
        page.wait_for_function("() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) img')]"
                               ".every(i => i.complete)", timeout=30_000)
        time.sleep(1)  # MathJax typesets asynchronously after the markdown renders
        problems += page.evaluate(PAGE_PROBLEMS)
        assert not problems, f"{path.name} in JupyterLab:\n  - " + "\n  - ".join(problems)
        checked = time.monotonic()
        done = exercise_explorers(page)
        explored = time.monotonic() - checked
        if stored_widget_views(path):
            assert done, f"{path.name} stores widget views but no explorer with a slider or dropdown rendered"
        if "zh" in path.relative_to(ROOT).parts:
            page.evaluate(SCROLL_TOP)       # the screenshot shows the top of the page: the title and the 🌐 line
            time.sleep(0.5)
            assert page.evaluate(f"() => {CURRENT}.content.model.getMetadata('companion').language") == "zh"
            assert_chinese_renders(page, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", path.name)
        page.screenshot(path=str(OUTPUT / screenshot_name(path)))
        with open(OUTPUT / "times.tsv", "a") as f:
            f.write(f"{path.relative_to(ROOT).as_posix()}\t{opened:.1f}\t{run_seconds:.1f}\t{checked - run_start - run_seconds:.1f}\t"
                    f"{explored:.1f}\t{time.monotonic() - start:.1f}\n")
    finally:
        close_and_shutdown(page)


# --------------------------------------------------------------------------------------- website

SITE_LITERAL_TEX = r"""() => {
    const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.parentElement.closest('pre, code, script, .MathJax_SVG, .MathJax')) continue;
        const m = node.textContent.match(/\\[(\[][^]{0,30}/);
        if (m) return m[0];
    }
    return ''; }"""


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_site_pages_show_figures_and_math(browser, built_site, edition):
    """Two pages of each edition of the static website (tests/test_site.py builds it): figures load, math
    typesets; on the Chinese site, Chinese text renders with real glyphs."""
    site = built_site if edition == "en" else built_site / "zh"
    chapter_pages = sorted((site / "chapters").glob("*.html"))
    assert chapter_pages, "the website has no chapter pages"
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        for html in (site / "index.html", chapter_pages[min(1, len(chapter_pages) - 1)]):
            page.goto(html.as_uri())
            page.wait_for_load_state("load")
            is_chapter = html != site / "index.html"
            if is_chapter:
                page.wait_for_function("() => document.querySelectorAll('article .MathJax_SVG, article .MathJax, "
                                       "article mjx-container').length > 0", timeout=60_000)
                page.wait_for_function("() => !document.querySelector('article .math.notranslate:not(:has(.MathJax_SVG, "
                                       ".MathJax, mjx-container))')", timeout=60_000)
                literal = page.evaluate(SITE_LITERAL_TEX)
                assert not literal, f"{html.name}: math left as TeX text ({literal!r}…)"
                assert page.evaluate("() => document.querySelectorAll('article img').length") > 0, \
                    f"{html.name}: no figure on the page"
            broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                                   ".map(i => i.src)")
            assert not broken, f"{html.name}: images that did not load: {broken[:3]}"
            assert not page.evaluate("() => !!document.querySelector('.MathJax_Error, mjx-merror')"), \
                f"{html.name}: MathJax error"
            if edition == "zh":
                assert_chinese_renders(page, "body", f"zh/{html.name}")
            OUTPUT.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUTPUT / f"site_{'' if edition == 'en' else 'zh_'}{html.stem}.png"))
    finally:
        page.close()


# ------------------------------------------------------------------------------- practice links
SCROLL_TOP = """() => { const outer = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    if (outer) outer.scrollTop = 0; }"""
SCROLL_DOWN = """() => { const outer = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    if (outer) outer.scrollTop += outer.clientHeight * 0.8; }"""
TAB_LABELS = "() => [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tabLabel')].map(t => t.textContent)"


def test_practice_link_opens_the_exercise_in_a_tab_of_its_own_name(lab_page):
    """Clicking a chapter's Practice link opens its exercise beside it, under a different tab title."""
    page = lab_page
    chapter = next(p for p in CHAPTERS if p.stem.startswith("01_"))
    open_from_file_browser(page, chapter.relative_to(ROOT))
    try:
        link = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a[href*='_practice.ipynb']")
        for _ in range(80):      # JupyterLab renders the cells near the view only: scroll down to the link
            if link.count():
                break
            page.evaluate(SCROLL_DOWN)
            time.sleep(0.25)
        assert link.count(), f"{chapter.name} has no link to its practice notebook"
        link.first.scroll_into_view_if_needed()
        link.first.click()
        page.wait_for_function(f"() => {{ const w = {CURRENT}; return w && w.context && "
                               f"w.context.path.startsWith('exercises/') && w.context.isReady; }}")
        opened = page.evaluate(f"() => {CURRENT}.context.path")
        labels = page.evaluate(TAB_LABELS)
        assert opened == f"exercises/{chapter.stem}_practice.ipynb", opened
        assert chapter.name in labels and pathlib.PurePath(opened).name in labels, labels
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        assert not duplicates, f"tabs with the same title: {duplicates}"
        page.screenshot(path=str(OUTPUT / "practice_link.png"))
        close_and_shutdown(page)                      # the exercise
    finally:
        page.wait_for_function(f"() => !!{CURRENT}")
        close_and_shutdown(page)                      # the chapter


@pytest.mark.skipif(not ZH_NOTEBOOKS, reason="no Chinese edition yet")
def test_language_links_switch_between_the_editions_of_a_chapter(lab_page):
    """A Chinese chapter's 🌐 link opens the English chapter in JupyterLab, and the English chapter's link
    leads back to the Chinese one."""
    page = lab_page
    chinese = ROOT / "zh" / "chapters" / "01_neurons.ipynb"
    english = ROOT / "chapters" / "01_neurons.ipynb"
    open_from_file_browser(page, chinese.relative_to(ROOT))
    opened = 1
    try:
        for link_text, target in (("English version", english), ("中文版", chinese)):
            link = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a", has_text=link_text)
            link.first.scroll_into_view_if_needed()
            link.first.click()
            page.wait_for_function(f"() => {{ const w = {CURRENT}; return w && w.context && "
                                   f"w.context.path === '{target.relative_to(ROOT).as_posix()}' && w.context.isReady; }}")
            opened += target == english
        page.screenshot(path=str(OUTPUT / "zh_language_link.png"))
    finally:
        for _ in range(opened):          # the Chinese chapter, and the English one if it opened
            page.wait_for_function(f"() => !!{CURRENT}")
            close_and_shutdown(page)


# ------------------------------------------------------------------------ website: phone, axe, search

@pytest.fixture(scope="module")
def site_url(built_site):
    """The built website served over http on localhost (search fetches pages, which file:// forbids)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(built_site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > end or server.poll() is not None:
                    pytest.fail("the website could not be served on localhost")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


# MathJax 2 first shows a fast preview, then typesets each formula (class MathJax_Processing meanwhile):
# done when every formula holds typeset output of some width.
MATH_DONE = ("() => !document.querySelector('.MathJax_Processing') && document.querySelectorAll('article .MathJax, "
             "article .MathJax_Display').length > 0 && !document.querySelector('article .math.notranslate:not(:has("
             ".MathJax, .MathJax_Display))') && [...document.querySelectorAll('article div.math')].every(d => "
             "[...d.querySelectorAll('.MathJax span')].some(s => s.getBoundingClientRect().width > 0))")
# A display formula is clipped when part of it lies left of its box (no scrolling reaches there), or right
# of it while the box does not scroll that far.
CLIPPED_FORMULAS = """() => [...document.querySelectorAll('article div.math')].filter(d => {
    const box = d.getBoundingClientRect(), style = getComputedStyle(d);
    const parts = [...d.querySelectorAll('.MathJax span')].map(s => s.getBoundingClientRect()).filter(r => r.width > 0);
    if (!parts.length) return true;
    const left = Math.min(...parts.map(r => r.left)), right = Math.max(...parts.map(r => r.right));
    const scrolls = ['auto', 'scroll'].includes(style.overflowX) && d.scrollWidth >= right - box.left - 1;
    return left < box.left - 1 || (right > box.right + 1 && !scrolls);
}).map(d => d.textContent.trim().slice(0, 50))"""


def test_site_on_a_phone(browser, site_url):
    """390 px wide: the ☰ menu and the contents button open their panels, and no display formula is cut off
    (wide ones scroll sideways)."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page.goto(f"{site_url}/chapters/05_backpropagation.html")
        page.wait_for_function(MATH_DONE, timeout=120_000)
        time.sleep(1)
        clipped = page.evaluate(CLIPPED_FORMULAS)
        total = page.evaluate("() => document.querySelectorAll('article div.math').length")
        assert total and not clipped, f"{len(clipped)} of {total} display formulas are cut off at 390 px: {clipped[:3]}"
        page.locator("#bp1-the-error-of-the-output-layer").scroll_into_view_if_needed()
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / "site_phone_05_bp1.png"))
        visible = page.locator(".primary-toggle:visible").first
        visible.click()
        page.wait_for_selector("#pst-primary-sidebar-modal[open]", timeout=10_000)
        links = page.locator("#pst-primary-sidebar-modal[open] a.reference.internal:visible")
        chapters = len([p for p in ROOT.glob("chapters/[0-9][0-9]_*.ipynb") if not p.name.startswith("00_")])
        assert links.count() >= chapters, f"the menu shows {links.count()} links, fewer than the {chapters} chapters"
        page.screenshot(path=str(OUTPUT / "site_phone_menu.png"))
        page.keyboard.press("Escape")
        page.wait_for_selector("#pst-primary-sidebar-modal[open]", state="detached", timeout=10_000)
        page.locator(".secondary-toggle:visible").first.click()
        page.wait_for_selector("#pst-secondary-sidebar-modal[open]", timeout=10_000)
        assert page.locator("#pst-secondary-sidebar-modal[open] a[href^='#']").count() > 3, "the contents panel is empty"
    finally:
        page.close()


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "rules": {"label-content-name-mismatch": {"enabled": True}}}


@pytest.mark.parametrize("width", [1400, 390])
def test_site_has_no_serious_accessibility_violation(browser, site_url, width):
    """axe-core (bundled by axe-playwright-python) on the index, a chapter and a practice page of each
    edition and the Chinese glossary, with the page scrolled so that "Back to top" shows: no serious or
    critical WCAG 2.1 A/AA violation."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed: `pip install -e '.[dev]'` (make test does)")
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = []
    try:
        for name in ("index.html", "chapters/05_backpropagation.html", "exercises/05_backpropagation_practice.html",
                     "zh/index.html", "zh/chapters/05_backpropagation.html", "zh/exercises/05_backpropagation_practice.html",
                     "zh/glossary.html"):
            page.goto(f"{site_url}/{name}")
            if not name.endswith("index.html") and name != "zh/glossary.html":
                page.wait_for_function(MATH_DONE, timeout=120_000)
            page.mouse.wheel(0, 3000)
            time.sleep(0.3)
            page.mouse.wheel(0, -400)
            time.sleep(1.0)
            for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                    found.append(f"{name}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) {v['help']}: {targets}")
    finally:
        page.close()
    assert not found, f"axe at {width} px:\n  " + "\n  ".join(found)


def test_site_search_snippets_are_clean(browser, site_url):
    """Search results show the article's own text around the word, without the page's buttons or raw TeX."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        page.goto(f"{site_url}/search.html?q=softmax")
        page.wait_for_selector("#search-results li p.context", timeout=60_000)
        time.sleep(1)
        snippets = page.locator("#search-results li p.context").all_inner_texts()
        assert snippets, "no search results for 'softmax'"
        bad = [s[:80] for s in snippets if re.search(r"\\[(\[)\]]|\\[A-Za-z]{2,}|Download|Repository|Binder|Contents", s)]
        assert not bad, f"search snippets with raw TeX or the theme's button text: {bad[:3]}"
    finally:
        page.close()


def test_chinese_site_search_finds_a_chinese_word(browser, site_url):
    """The Chinese site's search page, asked for 反向传播 (backpropagation), lists the backpropagation chapter,
    and the language switch of the results page leads to the English search page."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        page.goto(f"{site_url}/zh/search.html?q=反向传播")
        page.wait_for_selector("#search-results li", timeout=60_000)
        time.sleep(1)
        links = page.locator("#search-results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert any("chapters/05_backpropagation" in h for h in links), f"反向传播 does not find chapter 5: {links}"
        assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
        assert_chinese_renders(page, "#search-results", "zh/search.html")
        page.screenshot(path=str(OUTPUT / "site_zh_search.png"))
        switch = page.locator("a.course-language-switch").first.get_attribute("href")
        assert urllib.parse.urljoin(page.url, switch).split("?")[0] == f"{site_url}/search.html", switch
    finally:
        page.close()


def test_the_glyph_check_tells_glyphs_from_tofu(browser):
    """The check passes Chinese text and fails text of a script no installed font has (Tangut, U+17000…;
    skipped where a font has it)."""
    page = browser.new_page()
    try:
        page.set_content('<p lang="zh-CN">神经网络反向传播</p><p id="t">\U00017000\U00017001\U00017002\U00017003</p>')
        assert page.evaluate(CJK_GLYPHS, ["body", None])["problems"] == []
        if shutil.which("fc-list") and subprocess.run(["fc-list", ":charset=17000"], capture_output=True,
                                                       text=True).stdout.strip():
            pytest.skip("a font with Tangut glyphs is installed")
        problems = page.evaluate(CJK_GLYPHS, ["#t", "[\\u{17000}-\\u{187FF}]"])["problems"]
        assert problems and all("box" in p or "nothing" in p for p in problems), problems
    finally:
        page.close()


# ------------------------------------------------------------------------ JupyterLab in Chinese

def test_jupyterlab_offers_its_menus_in_chinese(jupyterlab):
    """The Chinese language pack is installed: Settings → Language lists 中文, and its catalog translates the
    menu bar (Edit → 编辑, Settings → 设置)."""
    url = f"{jupyterlab['url']}/lab/api/translations"
    with urllib.request.urlopen(f"{url}/?token={jupyterlab['token']}", timeout=30) as reply:
        languages = json.load(reply)["data"]
    assert "zh_CN" in languages, f"no Chinese language pack (pip install jupyterlab-language-pack-zh-CN): {sorted(languages)}"
    with urllib.request.urlopen(f"{url}/zh_CN?token={jupyterlab['token']}", timeout=30) as reply:
        catalog = json.load(reply)["data"]["jupyterlab"]
    assert (catalog.get("Edit"), catalog.get("Settings")) == (["编辑"], ["设置"]), (catalog.get("Edit"), catalog.get("Settings"))


# ---------------------------------------------------------------------------- a practice notebook
PRACTICE = ROOT / "exercises" / "07_optimizers_practice.ipynb"


@pytest.mark.skipif(not PRACTICE.is_file(), reason="no exercises/07_optimizers_practice.ipynb")
def test_untouched_practice_notebook_runs_to_the_end(lab_page):
    """A learner's Run All on an untouched exercise: the last cell runs and no cell shows an error;
    each demo cell that needs an unanswered function says which question to answer first."""
    page = lab_page
    open_from_file_browser(page, PRACTICE.relative_to(ROOT))
    try:
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        menu(page, "Run", "Run All Cells")
        page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT_S * 1000, polling=500)
        cells = [c for c in page.evaluate(OUTPUTS) if c["source"].strip()]
        assert cells[-1]["count"] is not None, "Run All did not reach the last cell"
        assert all(c["count"] is not None for c in cells), [c["source"] for c in cells if c["count"] is None]
        problems = output_problems(cells)
        assert not problems, "\n".join(problems)
        text = "".join("".join(o.get("text", "")) for c in cells for o in c["outputs"])
        assert "not written yet: answer Q1" in text and "Traceback" not in text
        page.screenshot(path=str(OUTPUT / "practice_run_all.png"))
    finally:
        close_and_shutdown(page)
