# Extracted from seed 003 (003_4a600d375c282fb7.txt), "6.5.3 代碼比較".
# The scrape replaced (most) spaces with '?'; every '?' was turned back into ' ' (no other '?' exists
# in the listing). Logic unchanged. REF additions (marked "REF"):
#   * Agg backend, plt.show() -> plt.savefig(PNG in the working directory, one per method)
# OUT: here the PNGs go to examples/out/ (or $TINYGRAD_EDU_OUT), not the working directory; the
#      lines marked "# OUT" are ours (tests/test_ports.py compares the rest with the reference).
#   * torch.manual_seed(0) so model init + DataLoader shuffling are reproducible (blog only seeds numpy)
#   * a final summary print of the losses (the blog prints nothing to stdout; tqdm writes to stderr)
# NOTE: "n_epochs" is really 1000 optimizer STEPS; each step draws ONE batch via next(iter(dataloader)).
# NOTE: momentum=[1,0,1] -- the blog text claims momentum 0 => SGD, non-0 => "regular GD"; in torch,
#       momentum=1 (dampening 0) means buf = buf + grad, i.e. an undamped heavy ball (no decay).
import tinygrad_edu as torch
import tinygrad_edu.nn as nn
import numpy as np
import matplotlib
matplotlib.use("Agg")  # REF: headless
import matplotlib.pyplot as plt
from tqdm import *
import os, pathlib  # OUT
OUT = pathlib.Path(os.environ.get("TINYGRAD_EDU_OUT", pathlib.Path(__file__).resolve().parents[1] / "out"))  # OUT
OUT.mkdir(parents=True, exist_ok=True)  # OUT

torch.manual_seed(0)  # REF: reproducibility (not in blog)

# 定義模型和損失函數(shù)
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = nn.Linear(1, 32)
        self.hidden2 = nn.Linear(32, 32)
        self.output = nn.Linear(32, 1)

    def forward(self, x):
        x = torch.relu(self.hidden1(x))
        x = torch.relu(self.hidden2(x))
        return self.output(x)
loss_fn = nn.MSELoss()

# 生成隨機(jī)數(shù)據(jù)
np.random.seed(0)
n_samples = 1000
x = np.linspace(-5, 5, n_samples)
y = 0.3 * (x ** 2) + np.random.randn(n_samples)

# 轉(zhuǎn)換為Tensor
x = torch.unsqueeze(torch.from_numpy(x).float(), 1)
y = torch.unsqueeze(torch.from_numpy(y).float(), 1)

# 將數(shù)據(jù)封裝為數(shù)據(jù)集
dataset = torch.utils.data.TensorDataset(x, y)

names = ["Batch", "Stochastic", "Minibatch"] # 批量梯度下降法、隨機(jī)梯度下降法、小批量梯度下降法
batch_size = [n_samples, 1, 128]
momentum= [1,0,1]
losses = [[], [], []]

# 超參數(shù)
learning_rate = 0.0001
n_epochs = 1000

# 分別訓(xùn)練
for i in range(3):
    model = Model()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=momentum[i])
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=batch_size[i], shuffle=True)
    for epoch in tqdm(range(n_epochs), desc=names[i], leave=True, unit=' epoch'):
        x, y = next(iter(dataloader))
        optimizer.zero_grad()
        out = model(x)
        loss = loss_fn(out, y)
        loss.backward()
        optimizer.step()
        losses[i].append(loss.item())

# 使用 Matplotlib 繪制損失值的變化趨勢(shì)
for i, loss_list in enumerate(losses):
    plt.figure(figsize=(12, 4))
    plt.plot(loss_list)
    plt.ylim((0, 15))
    plt.xlabel('Epoch')
    plt.ylabel('Loss')
    plt.title(names[i])
    plt.savefig(OUT / f"ref_s003_{names[i]}.png")  # REF: was plt.show()  # OUT

# REF: summary (not in blog)
for i, loss_list in enumerate(losses):
    tail = loss_list[-100:]
    print(f"{names[i]}: batch_size={batch_size[i]} momentum={momentum[i]} first_loss={loss_list[0]:.6f} "
          f"final_loss={loss_list[-1]:.6f} mean_last100={sum(tail)/len(tail):.6f} "
          f"min={min(loss_list):.6f} max={max(loss_list):.6f}")
