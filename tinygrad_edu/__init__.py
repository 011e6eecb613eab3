"""tinygrad_edu: reverse-mode automatic differentiation on numpy, shaped like PyTorch.

``import tinygrad_edu as torch`` and PyTorch tutorial code runs with only its imports changed.
Start with :class:`Value` (alias :class:`Tensor`) and :func:`tensor`.

Importing it limits numpy's BLAS to one thread, unless you have set ``OMP_NUM_THREADS`` or another
thread variable (small matrices run faster so): see :mod:`tinygrad_edu.threads`.
"""

from . import autograd, nn, optim, threads, utils
from .creation import (
    arange,
    as_tensor,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .device import backends, cuda, device
from .dtypes import bool_, float32, float64, get_default_dtype, int32, int64, set_default_dtype
from .explain import explain
from .function import Function
from .printing import set_printoptions
from .random import Generator, initial_seed, manual_seed, seed
from .serialization import load, save
from .state import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .surface import normal, rand, rand_like, randint, randint_like, randn, randn_like, randperm
from .threads import get_num_threads, set_num_threads
from .toplevel import (
    abs,
    cat,
    clamp,
    concatenate,
    cos,
    exp,
    flatten,
    is_tensor,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    numel,
    permute,
    pow,
    relu,
    reshape,
    sigmoid,
    sin,
    softmax,
    sqrt,
    square,
    squeeze,
    stack,
    sum,
    tanh,
    transpose,
    unsqueeze,
    where,
)
from .value import Value

float = float32  # noqa: A001 - torch.float is float32
double = float64
long = int64
bool = bool_  # noqa: A001

__version__ = "0.1.0"

__all__ = [
    "Value", "Tensor", "Function", "tensor", "as_tensor", "from_numpy", "zeros", "ones",
    "zeros_like", "ones_like", "full", "full_like", "empty", "arange", "linspace", "eye", "rand",
    "randn", "randint", "rand_like", "randn_like", "randperm", "manual_seed", "seed",
    "set_printoptions",
    "initial_seed", "Generator", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "unsqueeze", "squeeze", "cat", "concatenate", "stack", "relu", "sigmoid", "tanh", "exp", "log",
    "sin", "cos", "sqrt", "abs", "sum", "mean", "max", "min", "matmul", "where", "clamp", "pow",
    "reshape", "transpose", "permute", "flatten", "square", "maximum", "minimum", "numel",
    "is_tensor", "float32", "float64", "int32", "int64", "bool_", "float", "double", "long",
    "save", "load", "device", "cuda", "backends", "mul", "set_default_dtype", "get_default_dtype", "explain",
    "autograd", "nn", "optim", "utils", "softmax", "log_softmax", "logsumexp", "set_num_threads",
    "get_num_threads", "threads",
]
__all__ += [
    "FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "normal", "randint_like",
    "empty_like", "set_default_device", "get_default_device", "Size", "mm", "bmm", "mv", "dot",
    "outer", "addmm", "gather", "scatter_add", "index_select", "masked_fill", "sort", "argsort",
    "topk", "argmax", "argmin", "eq", "ne", "lt", "le", "gt", "ge", "equal", "isclose", "allclose",
    "all", "any",
]

# tensor breadth: legacy constructors (Tensor is the class of every Value), Size, indexing, sorting,
# comparisons and matrix functions
from .creation import (  # noqa: E402
    BoolTensor,
    DoubleTensor,
    FloatTensor,
    IntTensor,
    LongTensor,
    Tensor,
    empty_like,
)
from .device import get_default_device, set_default_device  # noqa: E402

# Method/function twins and in-place variants, each from one rule (functions.py). Names defined
# above (explicit functions) win.
from .joins import *  # noqa: E402, F403 - hstack, meshgrid, broadcast_tensors... (joins.__all__)
from .joins import __all__ as _joins_all  # noqa: E402
from .toplevel import (  # noqa: E402
    addmm,
    allclose,
    argmax,
    argmin,
    argsort,
    bmm,
    dot,
    eq,
    equal,
    gather,
    ge,
    gt,
    index_select,
    isclose,
    le,
    lt,
    masked_fill,
    mm,
    mv,
    ne,
    outer,
    scatter_add,
    sort,
    topk,
)
from .toplevel import all_ as all  # noqa: E402, A004
from .toplevel import any_ as any  # noqa: E402, A004
from .torch_types import Size  # noqa: E402

__all__ += _joins_all

# torch.linalg, and the top-level einsum, tensordot, cdist... (linalg.TOPLEVEL)
from . import linalg  # noqa: E402
from .linalg import (  # noqa: E402
    block_diag,
    cartesian_prod,
    cdist,
    chain_matmul,
    cumulative_trapezoid,
    einsum,
    frobenius_norm,
    histogramdd,
    nuclear_norm,
    std_mean,
    tensordot,
    trapezoid,
    trapz,
    vander,
    var_mean,
)
from .linalg import removed_matrix_rank as matrix_rank  # noqa: E402

__all__ += ["linalg", "block_diag", "cartesian_prod", "cdist", "chain_matmul", "einsum", "std_mean",
            "tensordot", "var_mean", "frobenius_norm", "nuclear_norm", "trapezoid", "trapz",
            "cumulative_trapezoid", "vander", "histogramdd", "matrix_rank"]

# more factories, dtype names and queries, random state, devices, inference mode, and the switches
# programs set at the top (surface.__all__); numpy's axis=/keepdims= for every dim=/keepdim= (dims.py)
from .creation import ByteTensor, CharTensor, ShortTensor, asarray, logspace, scalar_tensor  # noqa: E402
from .creation import range_ as range  # noqa: E402, A004
from .device import accelerator  # noqa: E402
from .dtypes import dtype, float16, half, int8, int16, short, uint8, uint16, uint32, uint64  # noqa: E402
from .random import default_generator  # noqa: E402
from .state import inference_mode, is_inference_mode_enabled  # noqa: E402
from .surface import *  # noqa: E402, F403
from .surface import __all__ as _surface_all  # noqa: E402

int = int32  # noqa: A001 - torch.int is int32
__all__ += [n for n in _surface_all if n not in __all__] + [
    "ByteTensor", "CharTensor", "ShortTensor", "asarray", "logspace", "scalar_tensor", "range",
    "accelerator", "dtype", "float16", "half", "int8", "int16", "short", "int", "uint8", "uint16", "uint32",
    "uint64",
    "default_generator", "inference_mode", "is_inference_mode_enabled"]

from .functions import *  # noqa: E402, F403 - the twins: torch.f(x, ...) is x.f(...) (functions.py)
from .functions import __all__ as _twins  # noqa: E402

__all__ += _twins

__all__ += ["compile"]


def __getattr__(name: str):  # noqa: ANN202 - torch.compile: imported on first use (import stays light)
    if name == "compile":
        from .compiler import compile
        globals()["compile"] = compile
        return compile
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")
from . import func  # noqa: E402, F401  (torch.func: floor 6)
from .func import vmap  # noqa: E402, F401  (torch.vmap)
