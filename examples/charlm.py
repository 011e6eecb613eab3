"""A character-level language model: an embedding, a GRU and a linear layer learn to write like a
short text, one character at a time.

The text is examples/data/charlm.txt: about 3 KB of plain English written for this project (on
gradient descent and on this very model), under the project's MIT licence; nothing is downloaded.
Every character is a token, and the vocabulary is the text's distinct characters. The model,
written the PyTorch way (``nn.Module``, ``optim.Adam``, ``nn.utils.clip_grad_norm_``):

    Embedding(V, 32) -> GRU(32, 128, batch_first=True) -> Linear(128, V)

Training cuts the text into 16 parallel streams. Each step reads the next 32 characters of every
stream and predicts each one's successor (``F.cross_entropy``); the hidden state flows on to the
next step, detached, so the gradient stops at the edge of each piece: truncated backpropagation
through time. Every few steps a line prints the mean loss and its perplexity (``exp(loss)``: how
many characters the model hesitates between). At the end the loss curve goes to
examples/out/charlm_loss.png and the model writes a sample: each next character is drawn by
``torch.multinomial`` from ``softmax(logits / temperature)``, with a seeded ``torch.Generator``.
The last tenth of the text is held out and scored at every print: the short run stops while the
held-out loss still falls; the full run shows overfitting, the training loss falling towards zero
(the sample then recites the text) while the held-out loss rises again after about step 100.

    python examples/charlm.py                    # 600 steps (about 15 s)
    python examples/charlm.py --fast             # 120 steps, a few seconds (the tour's short form)
    python examples/charlm.py --steps 1500 --temperature 0.5 --lang zh
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys

from _support import parse_args, pyplot, save, tr

import tinygrad_edu as torch
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

TEXT_FILE = pathlib.Path(__file__).resolve().parent / "data" / "charlm.txt"
SEED = 0
STEPS, FAST_STEPS = 600, 120
BATCH, SEQ_LEN = 16, 32  # 16 streams, 32 characters of each per step
TEXT = {
    "en": {"data": "text: {path}, {n} characters, a vocabulary of {v} distinct characters",
           "split": "the first {train} characters train the model; the last {test} are held out "
                    "to show how well it does on text it has not seen",
           "model": "model: Embedding({v}, {e}) -> GRU({e}, {h}) -> Linear({h}, {v}), {p} parameters",
           "plan": "training: {steps} steps of Adam(lr={lr}), {b} streams x {t} characters per step, "
                   "gradient norm clipped to {clip}",
           "uniform": "a uniform guess scores ln({v}) = {loss:.4f} (perplexity {v})",
           "step": "step {k:4d}/{steps}: loss {loss:.4f}, perplexity {ppl:5.2f}; held-out loss {test:.4f}",
           "overfit": "the held-out loss was lowest ({best:.4f}) at step {k} and rose after it, while the "
                      "training loss fell on: the model memorises its {n} characters (overfitting)",
           "underfit": "the held-out loss is at or near its lowest ({best:.4f}, step {k}): more steps may "
                       "still help, until it starts to rise",
           "sample": "sample ({n} characters after the prompt {prompt!r}, temperature {temp}, "
                     "generator seed {seed}):",
           "xlabel": "Step", "ylabel": "Cross-entropy (nats per character)",
           "per_step": "each step", "mean": "mean between two prints", "held_out": "held-out text",
           "title": "Character-level GRU on {name}: training and held-out loss"},
    "zh": {"data": "文本：{path}，共 {n} 个字符，词表是其中 {v} 个不同的字符",
           "split": "前 {train} 个字符用来训练；最后 {test} 个字符留出不训练，"
                    "用来看模型在没见过的文本上表现如何",
           "model": "模型：Embedding({v}, {e}) -> GRU({e}, {h}) -> Linear({h}, {v})，共 {p} 个参数",
           "plan": "训练：Adam(lr={lr}) 训练 {steps} 步，每步 {b} 条文本流、每条 {t} 个字符，"
                   "梯度范数裁剪到 {clip}",
           "uniform": "均匀瞎猜的损失是 ln({v}) = {loss:.4f}（困惑度 {v}）",
           "step": "第 {k:4d}/{steps} 步：损失 {loss:.4f}，困惑度 {ppl:5.2f}；留出文本上的损失 {test:.4f}",
           "overfit": "留出文本上的损失在第 {k} 步最低（{best:.4f}），之后回升，而训练损失继续下降："
                      "模型在背诵它的 {n} 个字符（过拟合）",
           "underfit": "留出文本上的损失处在或接近最低点（{best:.4f}，第 {k} 步）："
                       "多训练几步可能还会更好，直到它开始回升",
           "sample": "生成样例（提示 {prompt!r} 之后 {n} 个字符，温度 {temp}，生成器种子 {seed}）：",
           "xlabel": "步数", "ylabel": "交叉熵（每字符，nats）",
           "per_step": "每一步", "mean": "两次打印之间的平均", "held_out": "留出文本",
           "title": "{name} 上的字符级 GRU：训练损失与留出文本上的损失"},
}


class CharLM(nn.Module):
    """Characters in, next-character logits out: embedding, GRU, linear."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.rnn = nn.GRU(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, ids: torch.Tensor, h: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (B, T) int64 -> logits (B, T, V) and the last hidden state (1, B, H)."""
        out, h = self.rnn(self.embed(ids), h)
        return self.head(out), h


def load_text(path: pathlib.Path = TEXT_FILE) -> tuple[str, list[str]]:
    """The text and its vocabulary (the distinct characters, sorted)."""
    text = path.read_text(encoding="utf-8")
    return text, sorted(set(text))


def streams(ids: torch.Tensor, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets as ``batch`` parallel streams (B, N): row b is one contiguous stretch
    of the text, and each target is the input's next character."""
    n = (len(ids) - 1) // batch
    return ids[: batch * n].view(batch, n), ids[1: batch * n + 1].view(batch, n)


def held_out_loss(model: CharLM, ids: torch.Tensor) -> float:
    """Mean cross-entropy of next-character prediction over ``ids``, read as one sequence."""
    model.eval()
    with torch.no_grad():
        logits, _ = model(ids[:-1].view(1, -1))
        loss = F.cross_entropy(logits[0], ids[1:]).item()
    model.train()
    return loss


Printed = list[tuple[int, float, float]]  # (step, mean training loss since the last print, held-out loss)


def train(model: CharLM, ids: torch.Tensor, held_out: torch.Tensor, steps: int, every: int, lr: float = 3e-3,
          clip: float = 1.0, log=print, lang: str = "en") -> tuple[list[float], Printed]:
    """Truncated BPTT: step k reads window k of every stream, carrying the hidden state over
    (detached) and starting afresh when the streams wrap around. Returns the loss of every step
    and the (step, mean training loss, held-out loss) triples printed."""
    text = TEXT[lang]
    xs, ys = streams(ids, BATCH)
    windows = xs.shape[1] // SEQ_LEN
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses: list[float] = []
    printed: Printed = []
    h = None
    model.train()
    for k in range(steps):
        w = k % windows
        if w == 0:
            h = None  # back at the start of every stream: a fresh memory
        x = xs[:, w * SEQ_LEN:(w + 1) * SEQ_LEN]
        y = ys[:, w * SEQ_LEN:(w + 1) * SEQ_LEN]
        logits, h = model(x, h)
        h = h.detach()  # the memory flows on, the gradient stops here
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.item())
        if k == 0 or (k + 1) % every == 0 or k + 1 == steps:
            since = printed[-1][0] if printed else 0
            mean = sum(losses[since:]) / len(losses[since:])
            test = held_out_loss(model, held_out)
            printed.append((k + 1, mean, test))
            log(text["step"].format(k=k + 1, steps=steps, loss=mean, ppl=math.exp(mean), test=test))
    return losses, printed


def sample(model: CharLM, vocab: list[str], prompt: str, length: int, temperature: float = 0.8,
           generator: torch.Generator | None = None) -> str:
    """The prompt followed by ``length`` characters, each drawn from softmax(logits / temperature)."""
    stoi = {c: i for i, c in enumerate(vocab)}
    model.eval()
    drawn = []
    with torch.no_grad():
        logits, h = model(torch.tensor([[stoi[c] for c in prompt]]))
        for _ in range(length):
            probs = F.softmax(logits[0, -1] / temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=generator)
            drawn.append(vocab[nxt.item()])
            logits, h = model(nxt.view(1, 1), h)
    return prompt + "".join(drawn)


def plot_loss(losses: list[float], printed: Printed, out: str, lang: str) -> None:
    plt = pyplot(lang)
    if not plt:
        return
    text = TEXT[lang]
    fig = plt.figure(figsize=(7, 4))
    plt.plot(range(1, len(losses) + 1), losses, alpha=0.4, label=text["per_step"])
    starts = [0] + [k for k, _, _ in printed[:-1]]  # each mean covers steps start+1 .. k: draw it mid-way
    plt.plot([(a + 1 + k) / 2 for a, (k, _, _) in zip(starts, printed)], [m for _, m, _ in printed], "o-",
             label=text["mean"])
    plt.plot([k for k, _, _ in printed], [t for _, _, t in printed], "s--", label=text["held_out"])
    plt.xlabel(text["xlabel"])
    plt.ylabel(text["ylabel"])
    plt.title(text["title"].format(name=TEXT_FILE.name))
    plt.legend()
    save(fig, out, "charlm_loss.png", lang)


def _extra(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", type=int, help=f"training steps (default {STEPS}; {FAST_STEPS} with --fast)")
    p.add_argument("--every", type=int, help="print the mean loss every N steps (default: steps // 6)")
    p.add_argument("--temperature", type=float, default=0.8, help="sampling temperature (default 0.8)")
    p.add_argument("--length", type=int, help="characters to sample (default 240; 120 with --fast)")
    p.add_argument("--prompt", default="The ", help="the sample's first characters (default 'The ')")
    p.add_argument("--seed", type=int, default=SEED, help="seed of the weights and of the sampler")


def main(argv: list[str] | None = None) -> dict:
    """Train, print, plot and sample; returns {"vocab", "losses", "printed", "sample"} (for tests)."""
    args = parse_args(__doc__.split("\n\n")[0], argv, fast_help=f"{FAST_STEPS} steps (a few seconds)",
                      extra=_extra)
    lang, text = args.lang, TEXT[args.lang]
    steps = args.steps or (FAST_STEPS if args.fast else STEPS)
    length = args.length or (120 if args.fast else 240)
    if steps < 1 or length < 0 or args.temperature <= 0:
        raise SystemExit(tr(lang, "--steps must be positive, --length non-negative and --temperature > 0",
                            "--steps 必须为正，--length 不能为负，--temperature 必须大于 0"))
    corpus, vocab = load_text()
    unknown = sorted(set(args.prompt) - set(vocab))
    if unknown:
        raise SystemExit(tr(lang, f"the prompt has characters not in the text: {unknown}",
                            f"提示里有文本中没有的字符：{unknown}"))
    stoi = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([stoi[c] for c in corpus])
    cut = len(ids) - len(ids) // 10  # the last tenth is held out: never trained on, only scored
    print(text["data"].format(path=f"examples/data/{TEXT_FILE.name}", n=len(corpus), v=len(vocab)))
    print(text["split"].format(train=cut, test=len(ids) - cut))

    torch.manual_seed(args.seed)
    model = CharLM(len(vocab)).float()
    n_params = sum(p.numel() for p in model.parameters())
    print(text["model"].format(v=len(vocab), e=32, h=128, p=n_params))
    print(text["plan"].format(steps=steps, lr=3e-3, b=BATCH, t=SEQ_LEN, clip=1.0))
    print(text["uniform"].format(v=len(vocab), loss=math.log(len(vocab))))
    losses, printed = train(model, ids[:cut], ids[cut:], steps, args.every or max(1, steps // 6), lang=lang)

    best_step, _, best = min(printed, key=lambda r: r[2])
    key = "overfit" if printed[-1][2] > best + 0.05 else "underfit"
    print(text[key].format(best=best, k=best_step, n=cut))
    plot_loss(losses, printed, args.out, lang)
    generator = torch.Generator().manual_seed(args.seed)
    written = sample(model, vocab, args.prompt, length, args.temperature, generator)
    print(text["sample"].format(n=length, prompt=args.prompt, temp=args.temperature, seed=args.seed))
    for line in written.split("\n"):
        print(f"  | {line}")
    return {"vocab": vocab, "losses": losses, "printed": printed, "sample": written}


if __name__ == "__main__":
    main(sys.argv[1:])
