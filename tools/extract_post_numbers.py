"""Extract the blog posts' numbers that the tests compare with into tests/data/posts.json.

The sources are the scraped posts and the reference runs of their code, which sit beside the main
checkout in ``shared/`` but not in a user's clone:

- ``shared/seeds/NNN_*.txt``: the five posts as scraped. From seed 000 we keep its three printed
  output listings (gradient descent, SGD with the zip bug, SGD: 104 lines each) and the author's
  blog address in the code's header; from every post, its title line.
- ``shared/reference/outputs/*.txt``: what the posts' scripts print, run under CPython 3.11 and
  PyTorch 2.13 (seed 002's post shows its output only as pictures, so its run is the check).
- ``shared/reference/blog_scripts/*.py``: the posts' PyTorch listings, which examples/ported/
  copies with only the imports changed.

Run it from the repository root: ``python tools/extract_post_numbers.py [path/to/shared]``.
``tests/test_examples.py::test_data_matches_the_posts`` runs ``extract`` again whenever ``shared/``
is present and checks the committed file against it.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "posts.json"

# Where each scraped post gives its title: (line number, 1-based; a prefix the site adds).
TITLE_LINE = {"000": (16, "[人工智能]"), "001": (1, ""), "002": (1, ""), "003": (5, ""), "004": (1, "")}
# The reference outputs and listings the tests use.
OUTPUTS = ("s000_gd", "s000_sgd", "s000_sgd_bug", "s001_quadratic_sgd", "s002_gd", "s002_sgd")
SCRIPTS = ("s003_minibatch.py", "s004_linreg.py")
# Seed 000's output listings each open with this line and close with the "after training" line.
LISTING_START, LISTING_END = "训练前的输入值x:4.0, 训练前的预测值:4.0", "训练后的输入值x"


def find_shared(start: pathlib.Path = ROOT) -> pathlib.Path | None:
    """shared/ beside the checkout (a git worktree may sit deeper), or None."""
    return next((p / "shared" for p in start.parents if (p / "shared" / "seeds").exists()), None)


def seed000_listings(text: str) -> dict[str, list[str]]:
    """The three printed output blocks of seed 000, in order, without blank lines."""
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith(LISTING_START):
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith(LISTING_END):
                blocks.append([ln for ln in current if ln.strip()])
                current = None
    assert len(blocks) == 3, f"expected 3 listings in seed 000, found {len(blocks)}"
    return dict(zip(("gd", "sgd_bug", "sgd"), blocks))


def extract(shared: pathlib.Path) -> dict:
    seeds = {p.name[:3]: p for p in sorted((shared / "seeds").glob("*.txt"))}
    texts = {seed: p.read_text(encoding="utf-8") for seed, p in seeds.items()}
    titles = {}
    for seed, (line, prefix) in TITLE_LINE.items():
        title = texts[seed].splitlines()[line - 1].strip()
        assert title.startswith(prefix), (seed, title)
        titles[seed] = title[len(prefix):]
    blog = re.search(r"# @Blog\s*:\s*(\S+)", texts["000"]).group(1)
    ref = shared / "reference"
    sources = {f"seeds/{p.name}": p for p in seeds.values()}
    sources.update({f"reference/outputs/{n}.txt": ref / "outputs" / f"{n}.txt" for n in OUTPUTS})
    sources.update({f"reference/blog_scripts/{n}": ref / "blog_scripts" / n for n in SCRIPTS})
    return {
        "about": "Extracted by tools/extract_post_numbers.py from shared/seeds and shared/reference; "
                 "do not edit by hand, run the script again.",
        "sources": {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in sources.items()},
        "titles": titles,
        "seed000_author_blog": blog,
        "seed000_listings": seed000_listings(texts["000"]),
        "reference_outputs": {n: (ref / "outputs" / f"{n}.txt").read_text(encoding="utf-8").splitlines()
                              for n in OUTPUTS},
        "blog_scripts": {n: (ref / "blog_scripts" / n).read_text(encoding="utf-8").splitlines()
                         for n in SCRIPTS},
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> None:
    shared = pathlib.Path(argv[0]) if argv else find_shared()
    if shared is None:
        sys.exit("shared/ not found beside this checkout; pass its path")
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(dumps(extract(shared)), encoding="utf-8")
    print(f"wrote {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
