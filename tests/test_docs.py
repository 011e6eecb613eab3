"""The docs cannot rot: every Python block in docs/ and README.md runs.

Blocks written as doctests (with >>> prompts) run through pytest's --doctest-glob (see
pyproject.toml); this file runs every other ```python block, in order, one namespace per page, and
checks that the API reference names every public function.
"""

import importlib
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def python_blocks(page):
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plain_python_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    for code in python_blocks(page):
        if ">>>" in code:
            continue  # a doctest: collected by --doctest-glob
        exec(compile(code, str(page), "exec"), namespace)


def test_docs_have_runnable_examples():
    pages_with_code = [p for p in PAGES if python_blocks(p)]
    must = {"how-autograd-works.md", "extending.md", "higher-order.md", "README.md",
            "seed-000.md", "seed-001.md", "seed-002.md", "seed-003.md", "seed-004.md"}
    assert must <= {p.name for p in pages_with_code}


MODULES = ["tinygrad_edu", "tinygrad_edu.nn", "tinygrad_edu.nn.functional", "tinygrad_edu.nn.init",
           "tinygrad_edu.optim", "tinygrad_edu.utils.data", "tinygrad_edu.autograd",
           "tinygrad_edu.autograd.functional", "tinygrad_edu.testing", "tinygrad_edu.viz",
           "tinygrad_edu.ops", "tinygrad_edu.testing.strategies", "tinygrad_edu.threads"]


@pytest.mark.parametrize("module", MODULES)
def test_api_reference_names_every_public_name(module):
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    mod = importlib.import_module(module)
    missing = [n for n in mod.__all__ if not re.search(r"`[^`]*\b" + re.escape(n) + r"\b", api)]
    assert not missing, f"docs/api.md does not mention {module}: {missing}"


def test_readme_quick_start_is_the_two_commands_ci_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- quickstart -->")[1].split("<!-- /quickstart -->")[0]
    cmds = [ln for ln in block.splitlines() if ln.startswith(("python", "pip"))]
    assert len(cmds) == 2
    assert '".[examples]"' in cmds[0] and "examples/tour.py" in cmds[0]
    assert '".[dev]"' in cmds[1] and "pytest" in cmds[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- quickstart -->" in ci  # CI reads the commands from the README itself


MICROGRAD_DEPTH = """
from micrograd.engine import Value
def fails(n):
    out = v = Value(1.0)
    for _ in range(n):
        out = out * 1.0
    try:
        out.backward()
    except RecursionError:
        return True
    return False
print(fails(995), fails(996))
"""


def test_micrograd_recursion_number_in_how_autograd_works():
    """The page says micrograd 0.1.0 fails from a chain of 996 ops in a fresh interpreter."""
    pytest.importorskip("micrograd")
    import subprocess
    import sys

    page = (ROOT / "docs" / "how-autograd-works.md").read_text(encoding="utf-8")
    assert "**996 ops**" in page and "(995 still works)" in page
    if sys.getrecursionlimit() != 1000:
        pytest.skip("the number is for the default recursion limit")
    out = subprocess.run([sys.executable, "-c", MICROGRAD_DEPTH], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]


def test_seed003_note_is_quoted_as_prose_and_matches_the_program():
    import sys

    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from s003_minibatch import NOTE
    finally:
        sys.path.remove(str(ROOT / "examples"))
    page = (ROOT / "docs" / "blogs" / "seed-003.md").read_text(encoding="utf-8")
    quote = " ".join(ln[1:].strip() for ln in page.splitlines() if ln.startswith(">") and
                     not ln.startswith(">>>"))
    assert quote == " ".join(NOTE.split())
    assert "print(NOTE)" not in page  # prose belongs outside a python block


BLOCK_BY_BLOCK = r'''
import doctest, pathlib, re, sys
failures = []
path0 = list(sys.path)
for page in sorted(pathlib.Path("docs/blogs").glob("seed-*.md")):
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)):
        if ">>>" not in block:
            continue
        sys.path[:] = path0  # a fresh interpreter: no examples/ on the path, nothing imported
        for name in [n for n, m in sys.modules.items() if "examples" in str(getattr(m, "__file__", ""))]:
            del sys.modules[name]  # the examples, imported by an earlier block
        test = doctest.DocTestParser().get_doctest(block, {"__name__": "__main__"}, f"{page.name}[{i}]",
                                                   str(page), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test, out=lambda s: failures.append(s))
print("".join(failures))
sys.exit(1 if failures else 0)
'''


def test_blog_blocks_run_one_by_one_from_the_repository_root_without_conftest():
    """A reader pastes one block into a fresh python started in the repository root: it runs and
    prints the page's output, with no help from conftest.py (blocks that import an example put
    examples/ on sys.path themselves)."""
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-c", BLOCK_BY_BLOCK], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def _hooks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "mkdocs_hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ZH_PAGES = sorted((ROOT / "docs").rglob("*.zh.md"))


@pytest.mark.parametrize("page", ZH_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_pages_use_chinese_punctuation(page):
    """No ASCII , : ; ( ) touching a Chinese character in the prose of a .zh.md page (code, maths,
    links and URLs aside): Chinese sentences take ，：；（）."""
    hooks = _hooks()
    cjk = "[\u3400-\u4dbf\u4e00-\u9fff]"  # Chinese characters
    bad = re.compile(f"{cjk}[,:;()]|[,:;()]{cjk}")
    found = []
    for n, (line, prose) in enumerate(hooks.prose_mask(page.read_text(encoding="utf-8")), 1):
        if prose:
            masked, _ = hooks.mask(line)
            found += [f"line {n}: {m.group(0)!r} in {line.strip()[:80]}" for m in bad.finditer(masked)]
    assert not found, "\n".join(found)


def test_the_hook_joins_chinese_lines_outside_code():
    hooks = _hooks()
    md = "拟合\n三个点，\n从 w = 1 出发\nPython\n中文\n\n```python\n>>> 中\n文\n```\n- 一\n- 二\n"
    out = hooks.join_cjk_lines(md)
    assert "拟合三个点，从 w = 1 出发\nPython\n中文" in out
    assert ">>> 中\n文" in out and "- 一\n- 二" in out


ZH_CHAR = "[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"


def _stray_spaces(page_html: str) -> list[str]:
    """Whitespace between two Chinese characters in the text of a page's paragraphs, list items,
    table cells and headings (code and maths aside)."""
    import html

    m = re.search(r"<article[^>]*>(.*)</article>", page_html, re.S)
    body = m.group(1) if m else ""
    body = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "\ue000", body, flags=re.S)
    body = re.sub(r'<span class="arithmatex">.*?</span>', "\ue000", body, flags=re.S)
    found = []
    for _tag, inner in re.findall(r"<(p|li|td|th|h[1-6]|figcaption)\b[^>]*>(.*?)</\1>", body, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", inner))
        found += [text[max(0, s.start() - 8):s.end() + 8]
                  for s in re.finditer(f"(?<={ZH_CHAR})\\s+(?={ZH_CHAR})", text)]
    return found


def test_built_chinese_site_has_no_stray_spaces(tmp_path):
    """mkdocs build --strict, then every page under /zh/: no space between two Chinese characters
    (the hook joins the source's line breaks; HTML would turn each into a space)."""
    import shutil
    import subprocess

    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocs_static_i18n")
    mkdocs = shutil.which("mkdocs")
    assert mkdocs, "mkdocs is importable but its command is not on PATH"
    import os

    subprocess.run([mkdocs, "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                   check=True, capture_output=True, timeout=300,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    pages = sorted((tmp_path / "site" / "zh").rglob("*.html"))
    assert len(pages) > 10
    found = {str(p.relative_to(tmp_path / "site")): _stray_spaces(p.read_text(encoding="utf-8"))
             for p in pages}
    found = {k: v for k, v in found.items() if v}
    assert not found, found
    assert _stray_spaces('<article><p>拟合 三个点</p></article>') == ["拟合 三个点"]
    # an English page shown under /zh/ says so at the top; a translated page does not
    for page in pages:
        rel = page.relative_to(tmp_path / "site" / "zh").parent
        source = ROOT / "docs" / (f"{rel}.md" if str(rel) != "." else "index.md")
        if not source.exists():  # e.g. blogs/ is blogs/index.md
            source = ROOT / "docs" / rel / "index.md"
        if source.exists():
            translated = source.with_name(source.name.replace(".md", ".zh.md")).exists()
            assert ("本页尚未翻译" in page.read_text(encoding="utf-8")) != translated, page


def test_inline_code_in_tables_does_not_break_mid_word():
    css = (ROOT / "docs" / "assets" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    rule = css.split(".md-typeset table:not([class]) td code")[1].split("}")[0]
    assert "white-space: nowrap" in rule and "word-break: keep-all" in rule
    assert "assets/stylesheets/extra.css" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_chinese_pages_show_the_plots_with_chinese_labels():
    """The blog plots on the .zh.md pages are the --lang zh runs (docs/img/zh/), and exist."""
    for page in ZH_PAGES:
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", page.read_text(encoding="utf-8")):
            assert "/img/zh/" in target, (page.name, target)
            assert (page.parent / target).resolve().exists(), (page.name, target)
