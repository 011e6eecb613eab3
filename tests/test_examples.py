"""The blog examples: every one runs, and seeds 000/002 print the posts' own numbers.

The posts' numbers come from tests/data/posts.json, which tools/extract_post_numbers.py extracts from
the scraped posts and the reference runs (shared/seeds, shared/reference): every test here runs in a
clone without shared/. Where shared/ lies beside the checkout, test_data_matches_the_posts extracts
them again and compares.
"""

import importlib
import json
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = json.loads((ROOT / "tests" / "data" / "posts.json").read_text(encoding="utf-8"))
REFERENCE = DATA["reference_outputs"]  # name -> the lines the post's script prints
sys.path.insert(0, str(EXAMPLES))
sys.path.insert(0, str(ROOT / "tools"))

# Where the posts print a square computed by their libm's pow(), and a correctly rounded square
# (x*x, which is what numpy and tinygrad_edu compute) differs by one unit in the last place.
# (listing, epoch): the post's loss and ours. See docs/blogs/seed-000.md and docs/pytorch-differences.md.
ONE_ULP = {("sgd_bug", 86): ("1.3496623055941361e-14", "1.349662305594136e-14")}
# ... and where glibc's pow() differs from the post (shared/reference/README.md) while x*x agrees.
REFERENCE_ONE_ULP = {("s000_sgd", 50): ("5.585291664185542e-13", "5.585291664185541e-13")}


HEADERS = ("Blog post (seed ", "原文（种子 ")


def run_example(name, capsys, tmp_path, *extra, header=False):
    """The example's printed lines; without the post's header line (and the blank after it)
    unless ``header``."""
    module = importlib.import_module(name)
    module.main(["--out", str(tmp_path), *extra])
    lines = capsys.readouterr().out.splitlines()
    if not header and lines and lines[0].startswith(HEADERS):
        assert lines[1] == ""
        return lines[2:]
    return lines


@pytest.mark.shared
def test_data_matches_the_posts():
    """tests/data/posts.json is what the script extracts from shared/ today (run only where shared/
    lies beside the checkout; the root conftest.py deselects it elsewhere and says so)."""
    import extract_post_numbers as ext

    shared = ext.find_shared(ROOT)
    assert shared is not None
    fresh = ext.extract(shared)
    assert fresh == DATA, "tests/data/posts.json is stale: run python tools/extract_post_numbers.py"
    assert (ROOT / "tests" / "data" / "posts.json").read_text(encoding="utf-8") == ext.dumps(fresh)


@pytest.mark.parametrize("name, key", [("s000_gd", "gd"), ("s000_sgd_zip_bug", "sgd_bug"),
                                       ("s000_sgd", "sgd")])
def test_seed000_prints_the_posts_numbers(name, key, capsys, tmp_path):
    post = DATA["seed000_listings"][key]  # the post's own printed lines, from tests/data/posts.json
    ours = [ln for ln in run_example(name, capsys, tmp_path) if ln.strip()][: len(post)]
    assert len(post) == 104 and len(ours) == len(post)
    mismatches = 0
    for p, o in zip(post, ours):
        if p == o:
            continue
        epoch = int(re.match(r"Epoch:(\d+)", p).group(1))
        post_loss, our_loss = ONE_ULP[(key, epoch)]
        assert p.replace(post_loss, our_loss) == o
        mismatches += 1
    assert mismatches == sum(1 for k in ONE_ULP if k[0] == key)


@pytest.mark.parametrize("name, ref", [("s000_gd", "s000_gd"), ("s000_sgd", "s000_sgd"),
                                       ("s000_sgd_zip_bug", "s000_sgd_bug"), ("s002_gd", "s002_gd"),
                                       ("s002_sgd", "s002_sgd"),
                                       ("s001_quadratic_sgd", "s001_quadratic_sgd")])
def test_examples_match_reference_outputs(name, ref, capsys, tmp_path):
    """Seed 002's post shows its output only as pictures: the reference run is the check."""
    expected = REFERENCE[ref]
    ours = run_example(name, capsys, tmp_path, *(["--full"] if name == "s002_sgd" else []))
    assert len(ours) >= len(expected)
    ours = ours[: len(expected)]
    known = {**ONE_ULP, **REFERENCE_ONE_ULP}
    for e, o in zip(expected, ours):
        if e != o:
            m = re.match(r"Epoch:(\d+)", e)
            key = (("sgd_bug" if "bug" in ref else ref), int(m.group(1))) if m else None
            assert key in known, (e, o)
            a, b = known[key]
            assert e.replace(a, b) == o or e.replace(b, a) == o


def test_seed001_final_weights_and_epochs(capsys, tmp_path):
    out = run_example("s001_quadratic_sgd", capsys, tmp_path)
    assert out[49] == "第49轮, loss 0.000100" and not any(ln.startswith("第50轮") for ln in out)
    assert "训练后权重:w1:2.188697138503384 w2:2.753474684969485 w3:4.060020789555843" in out


def test_zip_bug_explains_the_thinking_question(capsys, tmp_path):
    out = "\n".join(run_example("s000_sgd_zip_bug", capsys, tmp_path))
    assert "LAST sample" in out and "ONE update" in out


def test_seed003_fast_with_notes_and_plots(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    out = "\n".join(run_example("s003_minibatch", capsys, tmp_path, "--fast"))
    for name in ("Batch: batch_size=1000 momentum=1", "Stochastic: batch_size=1 momentum=0",
                 "Minibatch: batch_size=128 momentum=1", "full batch, momentum=0.99"):
        assert name in out
    assert "batch size" in out and "not the momentum" in out
    assert {p.name for p in tmp_path.glob("*.png")} == {"s003_minibatch.png", "s003_momentum_sweep.png"}


def test_seed004_prints_losses_and_state_dict(capsys, tmp_path):
    out = run_example("s004_linreg", capsys, tmp_path)
    losses = [float(ln.split("Loss: ")[1]) for ln in out if "Loss:" in ln]
    assert len(losses) == 10 and losses == sorted(losses, reverse=True)
    assert out[10].startswith("训练后的模型参数: OrderedDict([('linear.weight', tensor([[")
    assert "full-batch" in out[11]


def test_newton_and_custom_op_examples(capsys, tmp_path):
    out = "\n".join(run_example("newton_vs_gd", capsys, tmp_path))
    assert "w1=2.000000000000 w2=3.000000000000 w3=4.000000000000" in out
    assert "50 epochs (5000 updates)" in out
    out = "\n".join(run_example("custom_op", capsys, tmp_path))
    assert "check_op(softplus)" in out


def test_examples_run_without_matplotlib_and_tqdm(tmp_path):
    """Block both imports: the examples still run and say how to get plots and bars."""
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['tqdm'] = None\n"
        f"sys.path.insert(0, {str(EXAMPLES)!r})\n"
        "import s000_gd, s003_minibatch\n"
        f"s000_gd.main(['--out', {str(tmp_path)!r}])\n"
        f"s003_minibatch.main(['--out', {str(tmp_path)!r}, '--fast'])\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'matplotlib is not installed, so no plot; for plots: pip install -e ".[examples]"' in res.stdout
    assert "tqdm not installed" in res.stderr and "Batch: 1/150 step" in res.stderr
    assert not list(tmp_path.glob("*.png"))


def test_tour_runs_everything_fast(tmp_path):
    res = subprocess.run([sys.executable, str(EXAMPLES / "tour.py"), "--fast", "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True, timeout=300)
    for title in ("Seed 000, listing 1", "Seed 001", "Seed 002, listing 2", "Seed 003", "Seed 004",
                  "Newton", "custom_op", "character-level language model"):
        assert title in res.stdout
    assert "Plots written:" in res.stdout
    res = subprocess.run([sys.executable, str(EXAMPLES / "tour.py"), "--only", "s004", "--out",
                          str(tmp_path)], capture_output=True, text=True, check=True)
    assert "Seed 004" in res.stdout and "Seed 001" not in res.stdout


# --- the learner read-through: post titles, --out, --lang zh, the tour's opening -------------------

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
CJK = re.compile(r"[\u4e00-\u9fff]")
SEED_OF = {"s000_gd": "000", "s000_sgd": "000", "s000_sgd_zip_bug": "000", "s002_gd": "002",
           "s002_sgd": "002", "s001_quadratic_sgd": "001", "newton_vs_gd": "001", "s003_minibatch": "003",
           "s004_linreg": "004"}
FAST = {"s003_minibatch": ["--fast"]}


def numbers(lines):
    """Every number printed, in order; hypothesis' random examples and timings aside."""
    return [n for ln in lines for n in NUMBER.findall(ln)]


@pytest.mark.parametrize("name", sorted(SEED_OF))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_example_names_its_post_once(name, lang, capsys, tmp_path):
    seed = SEED_OF[name]
    out = run_example(name, capsys, tmp_path, "--lang", lang, *FAST.get(name, []), header=True)
    headers = [ln for ln in out if ln.startswith(HEADERS)]
    assert len(headers) == 1 and out[0] == headers[0]
    title = re.search(r"《(.+?)》", headers[0]).group(1)
    assert title == DATA["titles"][seed]  # the original title, as the scraped post spells it
    assert f"seed-{seed}{'.zh' if lang == 'zh' else ''}.md" in headers[0]
    assert (ROOT / re.search(r"docs/blogs/\S+?\.md", headers[0]).group(0)).exists()
    if seed == "000":  # the only address the scrape keeps: the author's blog, in the code's header
        assert DATA["seed000_author_blog"] == "https://blog.csdn.net/weixin_43051346"
        assert DATA["seed000_author_blog"] in headers[0]
    if lang == "zh":
        assert CJK.search(headers[0].split("》")[1])  # the source is named in Chinese too



def test_no_post_leaves_the_header_to_the_tour(capsys, tmp_path):
    importlib.import_module("s000_gd").main(["--out", str(tmp_path), "--no-post"])
    out = capsys.readouterr().out
    assert not out.startswith(HEADERS) and out.startswith("训练前的输入值x:4.0")


@pytest.mark.parametrize("name", sorted(SEED_OF) + ["custom_op"])
def test_lang_zh_prints_the_same_numbers_with_chinese_commentary(name, capsys, tmp_path):
    en = run_example(name, capsys, tmp_path / "en", *FAST.get(name, []))
    zh = run_example(name, capsys, tmp_path / "zh", "--lang", "zh", *FAST.get(name, []))
    en = [ln.replace(str(tmp_path / "en"), "OUT") for ln in en]
    zh = [ln.replace(str(tmp_path / "zh"), "OUT") for ln in zh]
    if name == "custom_op":  # hypothesis draws its own examples; the loss line is the example's
        en, zh = en[:1], zh[:1]
    assert numbers(zh) == numbers(en) and len(numbers(en)) > 0
    only_zh = [ln for ln in zh if ln not in en]
    assert only_zh, "no commentary in Chinese"
    assert all(CJK.search(ln) for ln in only_zh), only_zh  # what changed is Chinese text
    # the English commentary has no Chinese, apart from the posts' own output lines, shared by both
    assert all(ln in zh for ln in en if CJK.search(ln))
    if name != "custom_op" and name != "s003_minibatch":
        assert any(ln.startswith("图已保存：") for ln in zh) and not any("plot written" in ln for ln in zh)
    if name == "s003_minibatch":
        text = "\n".join(zh)
        assert "批量大小" in text and "步数" in text and "（step）" in text


def test_zh_commentary_texts(capsys, tmp_path):
    out = "\n".join(run_example("s000_sgd_zip_bug", capsys, tmp_path, "--lang", "zh"))
    assert "思考题" in out and "最后一个样本" in out and "loss=7.315943039999998" in out


@pytest.mark.parametrize("name, files", [
    ("custom_op", {"custom_op_softplus.png"}), ("s002_gd", {"s002_gd.png"}), ("s002_sgd", {"s002_sgd.png"}),
    ("s004_linreg", {"s004_linreg.png"}), ("s001_quadratic_sgd", {"s001_quadratic_sgd.png"}),
    ("s000_sgd_zip_bug", {"s000_sgd_zip_bug.png"})])
def test_out_gets_the_plots(name, files, capsys, tmp_path):
    pytest.importorskip("matplotlib")
    run_example(name, capsys, tmp_path / "plots")
    assert {p.name for p in (tmp_path / "plots").iterdir()} == files


def test_s002_sgd_short_output_is_the_reference_with_lines_left_out(capsys, tmp_path):
    expected = REFERENCE["s002_sgd"]
    ours = run_example("s002_sgd", capsys, tmp_path)
    assert len(ours) < 50
    kept = [ln for ln in ours if not ln.startswith("\t(epochs 3 to 97")][: -2]  # note and plot line
    it = iter(expected)
    assert all(any(ln == e for e in it) for ln in kept)  # an ordered subsequence of the full run
    for epoch in (0, 1, 2, 10, 50, 90, 98, 99):
        assert any(ln.startswith(f"progress: {epoch} w=") for ln in kept)
    assert sum(ln.startswith("\tgrad:") for ln in kept) == 15  # epochs 0, 1, 2, 98 and 99


def test_examples_and_tests_cite_pages_that_exist():
    for path in [*EXAMPLES.glob("*.py"), *ROOT.glob("tests/test_*.py")]:
        for page in re.findall(r"docs/[\w/.-]+?\.md", path.read_text(encoding="utf-8")):
            assert (ROOT / page).exists() or "{" in page, (path.name, page)


def test_tour_opens_with_explain_and_a_drawing_and_passes_lang(tmp_path):
    res = subprocess.run([sys.executable, str(EXAMPLES / "tour.py"), "--fast", "--lang", "zh", "--out",
                          str(tmp_path)], capture_output=True, text=True, check=True, timeout=300)
    out = res.stdout
    head = out[: out.index("种子 000，代码 1")]
    assert re.search(r"leaf: w = 1\b", head) and re.search(r"Sum\w*: (sse = )?14", head)  # viz.to_text
    assert re.search(r"w\.grad = -28\b", head)  # explain's leaf gradient
    assert "-9.333333333333334" in head and "1.0933333333333333" in head
    assert "计算图" in head and "链式法则" in head
    for seed in ("000", "001", "002", "003", "004"):
        assert out.count(f"原文（种子 {seed}）：") == 1
    assert "plot written" not in out and out.count("图已保存：") == 16  # 11 + moons + 3 digits + charlm
    assert "导览结束" in out and len(out.splitlines()) < 760  # under 700 before the two classifiers


PLOTTERS = ["s000_gd", "s000_sgd", "s000_sgd_zip_bug", "s001_quadratic_sgd", "s002_gd", "s002_sgd",
            "s003_minibatch", "s004_linreg", "newton_vs_gd", "custom_op"]


@pytest.mark.parametrize("name", PLOTTERS)
def test_lang_zh_labels_the_plots_in_chinese(name, capsys, tmp_path, monkeypatch):
    """Titles, axis labels and legends are Chinese under --lang zh (bare names such as x, y or
    momentum=0.9 aside), English otherwise."""
    pytest.importorskip("matplotlib")
    import _support
    import matplotlib.pyplot as plt

    module = importlib.import_module(name)
    for lang in ("en", "zh"):
        texts = []

        def record(fig, out, file, lang_=lang, texts=texts):
            for ax in fig.axes:
                texts.extend([ax.get_title(), ax.get_xlabel(), ax.get_ylabel()])
                legend = ax.get_legend()
                texts.extend(t.get_text() for t in (legend.get_texts() if legend else []))
            texts.append(fig._suptitle.get_text() if fig._suptitle else "")
            plt.close(fig)

        monkeypatch.setattr(_support, "save", record)
        monkeypatch.setattr(module, "save", record, raising=False)
        module.main(["--out", str(tmp_path), "--lang", lang, *FAST.get(name, [])])
        capsys.readouterr()
        words = [t for t in texts if t.strip() and not re.fullmatch(r"[\w.]+(=[\w.]+)?", t)]
        assert words, name
        if lang == "zh":
            assert all(CJK.search(t) for t in words), words
        else:
            assert not any(CJK.search(t) for t in words), words


def test_zh_punct_keeps_code_and_converts_chinese_sentences():
    from _support import zh_punct

    assert zh_punct("原文(种子 000):第 0 轮,loss=(1*3-6)^2") == "原文（种子 000）：第 0 轮，loss=(1*3-6)^2"
    assert zh_punct("都等于原文的 2x(wx - y),由 assert 检查") == "都等于原文的 2x(wx - y)，由 assert 检查"
    assert zh_punct("Epoch:0, w=1.0") == "Epoch:0, w=1.0"
    assert zh_punct("(每一轮,backward() 算出的梯度)") == "（每一轮，backward() 算出的梯度）"
    assert zh_punct("拟合 x = (1, 2, 3)、y = (2, 4, 6)。") == "拟合 x = (1, 2, 3)、y = (2, 4, 6)。"
    assert zh_punct("停在最后一个样本上(x=3.0, y=6.0)。") == "停在最后一个样本上（x=3.0, y=6.0）。"
