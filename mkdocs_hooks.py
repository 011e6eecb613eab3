"""mkdocs hooks.

- doctest's ``<BLANKLINE>`` marker is for the test runner; readers see a blank line.
- On the Chinese pages (``*.zh.md``), a line break between two Chinese characters is removed: HTML
  turns a source line break into a space, and Chinese text has no spaces between characters
  ("拟合\\n三个点" would read "拟合 三个点"). Code, maths and tables are left alone.

``mask`` and ``join_cjk_lines`` are also used by ``tests/test_docs.py`` to check the ``.zh.md``
sources for ASCII punctuation in Chinese sentences.
"""

from __future__ import annotations

import re

# CJK ideographs, CJK and full-width punctuation (，。：；（）“”…): the characters of Chinese prose.
CJK = "\u201c\u201d\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{CJK}]")
# what is not prose inside a line: inline code, maths, link targets, autolinks and HTML, bare URLs,
# and titles in 《》, which keep the original's spelling (《Pytorch系列笔记(三)》)
_INLINE = re.compile(r"`[^`\n]*`|\\\(.*?\\\)|\$[^$\n]+\$|\]\([^)\n]*\)|<[^>\n]*>|https?://[^\s)）]+|《[^》\n]*》")
_BLOCK_START = re.compile(r"\s*([-*+] |\d+\. |#|\||>|```|!!!|\$\$|<)")


def _math_closes(lines: list[str]) -> list[bool]:
    """Lines inside $$ ... $$ display maths (opening and closing lines included)."""
    inside, out = False, []
    for line in lines:
        s = line.strip()
        if inside:
            out.append(True)
            if s.endswith("$$"):
                inside = False
        elif s.startswith("$$"):
            out.append(True)
            inside = not (len(s) > 2 and s.endswith("$$"))
        else:
            out.append(False)
    return out


def prose_mask(markdown: str) -> list[tuple[str, bool]]:
    """The page as (line, is_prose) pairs: fenced code, display maths and indented code are not prose."""
    lines = markdown.split("\n")
    fence, prev_blank, out = False, True, []
    maths = _math_closes(lines)
    for line, in_math in zip(lines, maths):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
            out.append((line, False))
        elif fence or in_math or (line.startswith("    ") and (prev_blank or not out[-1][1])):
            out.append((line, False))
        else:
            out.append((line, True))
        prev_blank = not stripped
    return out


def mask(text: str) -> tuple[str, list[str]]:
    """Replace inline code, maths, links and URLs by private-use placeholders; return the text and
    what was replaced, for ``unmask``."""
    kept: list[str] = []

    def keep(m: re.Match) -> str:
        kept.append(m.group(0))
        return chr(0xE000 + len(kept) - 1)

    return _INLINE.sub(keep, text), kept


def unmask(text: str, kept: list[str]) -> str:
    return re.sub("[\ue000-\uf8ff]", lambda m: kept[ord(m.group(0)) - 0xE000], text)


def _first_char(line: str) -> str:
    """The first character a reader sees: past the markup that opens a link or emphasis."""
    return line.lstrip().lstrip("[*_")[:1]


def _last_char(line: str) -> str:
    """The last character a reader sees: before a link's target and closing markup."""
    return re.sub(r"\]\([^)]*\)$", "", line.rstrip()).rstrip("]*_")[-1:]


def join_cjk_lines(markdown: str) -> str:
    """Join a prose line ending in a Chinese character with the next one starting with one."""
    out: list[str] = []
    prev_prose = False
    for line, prose in prose_mask(markdown):
        stripped = line.lstrip()
        if (prose and prev_prose and out and stripped and _CJK_CHAR.match(_first_char(line))
                and _CJK_CHAR.match(_last_char(out[-1]) or " ") and not _BLOCK_START.match(line)):
            out[-1] += stripped
            continue
        out.append(line)
        prev_prose = prose and bool(stripped) and not stripped.startswith(("#", "|"))
    return "\n".join(out)


# Above an English page shown under /zh/ (a page without a .zh.md falls back to English).
UNTRANSLATED = ('!!! note "本页尚未翻译"\n'
                "    这一页还没有中文版，下面是英文原文。已经翻译的页面见[首页](index.md)。\n\n")


def on_page_markdown(markdown: str, page: object = None, **kwargs: object) -> str:
    markdown = markdown.replace("<BLANKLINE>", "")
    file = getattr(page, "file", None)
    src, dest = getattr(file, "src_uri", "") or "", getattr(file, "dest_uri", "") or ""
    if src.endswith(".zh.md"):
        markdown = join_cjk_lines(markdown)
    elif dest.startswith("zh/"):
        markdown = _after_title(markdown, UNTRANSLATED)
    return markdown


def _after_title(markdown: str, text: str) -> str:
    """``text`` inserted after the page's first-level title (or at the top if it has none)."""
    m = re.match(r"\s*# [^\n]*\n", markdown)
    return markdown[:m.end()] + "\n" + text + markdown[m.end():] if m else text + markdown
