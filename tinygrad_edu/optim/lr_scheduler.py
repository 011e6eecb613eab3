"""Learning-rate schedules, computed exactly as ``torch.optim.lr_scheduler`` computes them.

A scheduler changes ``group["lr"]`` of its optimizer's parameter groups. Build it after the
optimizer (building it already sets each group's ``initial_lr`` and applies epoch 0), then call
``optimizer.step()`` and after it ``scheduler.step()`` once per epoch (``ReduceLROnPlateau``:
``scheduler.step(val_loss)``).

>>> import tinygrad_edu as tg
>>> from tinygrad_edu.optim import SGD
>>> from tinygrad_edu.optim.lr_scheduler import StepLR
>>> opt = SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
>>> sched = StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     opt.step()
...     lrs.append(sched.get_last_lr()[0])
...     sched.step()
>>> lrs
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from .lr_scheduler_base import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    ReduceLROnPlateau,
    StepLR,
)
from .lr_scheduler_cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .lr_scheduler_ramps import (
    ChainedScheduler,
    ConstantLR,
    LinearLR,
    MultiplicativeLR,
    PolynomialLR,
    SequentialLR,
)

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "CosineAnnealingLR", "ReduceLROnPlateau", "MultiplicativeLR", "ConstantLR", "LinearLR",
           "PolynomialLR", "SequentialLR", "ChainedScheduler", "CyclicLR", "OneCycleLR",
           "CosineAnnealingWarmRestarts"]
