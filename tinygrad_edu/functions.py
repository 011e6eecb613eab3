"""Floor 4: top-level twins of Tensor methods, from one rule: ``torch.f(input, ...)`` is
``input.f(...)`` for the functions PyTorch defines that way (``TWINS``), each made by
:func:`function_of` on one line below. Functions whose arguments differ from the method's
(``torch.where``, ``torch.cat``...) are written by hand in ``toplevel.py`` and the family modules.
``tests/test_twins.py`` checks that every name in ``TWINS`` whose method exists has its line (or a
hand-written function), and every name in ``INPLACE`` its in-place method (``inplace_methods.py``).
"""

from __future__ import annotations

from typing import Any, Callable

from .dtypes import as_data
from .value import Value

TWINS = """
abs abs_ absolute acos acos_ acosh acosh_ add addbmm addcdiv addcmul addmm addmv addr all allclose
amax amin aminmax any arccos arccos_ arccosh arccosh_ arcsin arcsin_ arcsinh arcsinh_ arctan arctan2
arctan_ arctanh arctanh_ argmax argmin argsort argwhere asin asin_ asinh asinh_ atan atan2 atan_
atanh atanh_ baddbmm bernoulli bincount bitwise_and bitwise_left_shift bitwise_not bitwise_or
bitwise_right_shift bitwise_xor bmm broadcast_to ceil ceil_ cholesky chunk clamp clamp_ clamp_max
clamp_max_ clamp_min clamp_min_ clip clip_ clone copysign corrcoef cos cos_ cosh cosh_ count_nonzero
cov cross cummax cummin cumprod cumsum deg2rad deg2rad_ det detach detach_ diag diag_embed diagflat
diagonal diagonal_scatter diff dist div divide dot dsplit eq equal erf erf_ erfc erfc_ exp exp2
exp2_ exp_ expm1 expm1_ fill_ fix fix_ flatten flip fliplr flipud float_power floor floor_
floor_divide fmax fmin fmod frac frac_ frexp gather gcd gcd_ ge ger get_device greater greater_equal gt
hardshrink heaviside histc histogram hsplit hypot index_add index_copy index_fill index_put
index_put_ index_reduce index_select inner inverse is_floating_point is_inference is_nonzero
is_same_size is_signed isclose isfinite isinf isnan isneginf isposinf kron kthvalue lcm lcm_ ldexp
ldexp_ le lerp less less_equal log log10 log10_ log1p log1p_ log2 log2_ log_ log_softmax logaddexp
logaddexp2 logcumsumexp logical_and logical_not logical_or logical_xor logit logit_ logsumexp lt
masked_fill masked_scatter masked_select matmul matrix_power max maximum mean median min minimum
mode moveaxis movedim msort mul multinomial multiply mv nan_to_num nan_to_num_ nanmean nanmedian
nanquantile nansum narrow ne neg neg_ negative negative_ nextafter nonzero nonzero_static norm not_equal numel
outer permute pinverse positive pow prelu prod put qr quantile rad2deg rad2deg_ ravel reciprocal
reciprocal_ relu relu_ remainder renorm repeat_interleave reshape roll rot90 round round_ rsqrt
rsqrt_ scatter scatter_add scatter_reduce select select_scatter sigmoid sigmoid_ sign signbit sin
sin_ sinc sinc_ sinh sinh_ slice_scatter softmax solve sort split split_with_sizes sqrt sqrt_ square
square_ squeeze std sub subtract sum svd swapaxes swapdims t take take_along_dim tan tan_ tanh tanh_
tensor_split tile topk trace transpose tril triu true_divide trunc trunc_ unbind unflatten unique
unique_consecutive unsqueeze var vdot vsplit xlogy xlogy_ zero_
""".split()

# methods f whose in-place f_ follows the rule (shape-changing ones such as squeeze_ and random
# fills such as bernoulli_ are written by hand)
INPLACE = """
abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr arccos arccosh arcsin arcsinh
arctan arctan2 arctanh asin asinh atan atan2 atanh baddbmm bitwise_and bitwise_left_shift
bitwise_not bitwise_or bitwise_right_shift bitwise_xor ceil clamp clamp_max clamp_min clip copysign
cos cosh cumprod cumsum deg2rad div divide eq erf erfc exp exp2 expm1 fix float_power floor
floor_divide fmod frac gcd ge greater greater_equal gt heaviside hypot index_add index_copy
index_fill index_put index_reduce lcm ldexp le lerp less less_equal log log10 log1p log2 logical_and
logical_not logical_or logical_xor logit lt masked_fill masked_scatter mul multiply nan_to_num ne
neg negative nextafter not_equal pow put rad2deg reciprocal relu remainder renorm round rsqrt
scatter scatter_add scatter_reduce sigmoid sign sin sinc sinh sqrt square sub subtract tan tanh tril
triu true_divide trunc xlogy
"""


def function_of(name: str) -> Callable[..., Any]:
    """``torch.<name>(input, *args, out=None, **kwargs)`` as ``input.<name>(*args, **kwargs)``."""

    def function(input: Any, *args: Any, out: Value | None = None, **kwargs: Any) -> Any:
        result = getattr(input if isinstance(input, Value) else Value(as_data(input)), name)(*args, **kwargs)
        return result if out is None else out.copy_(result)  # PyTorch's out=: written in place

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``torch.{name}(input, ...)`` is ``input.{name}(...)`` (:meth:`Value.{name}`)."
    return function


abs_ = function_of("abs_")
absolute = function_of("absolute")
acos = function_of("acos")
acos_ = function_of("acos_")
acosh = function_of("acosh")
acosh_ = function_of("acosh_")
add = function_of("add")
addcdiv = function_of("addcdiv")
addcmul = function_of("addcmul")
amax = function_of("amax")
amin = function_of("amin")
aminmax = function_of("aminmax")
arccos = function_of("arccos")
arccos_ = function_of("arccos_")
arccosh = function_of("arccosh")
arccosh_ = function_of("arccosh_")
arcsin = function_of("arcsin")
arcsin_ = function_of("arcsin_")
arcsinh = function_of("arcsinh")
arcsinh_ = function_of("arcsinh_")
arctan = function_of("arctan")
arctan2 = function_of("arctan2")
arctan_ = function_of("arctan_")
arctanh = function_of("arctanh")
arctanh_ = function_of("arctanh_")
argwhere = function_of("argwhere")
asin = function_of("asin")
asin_ = function_of("asin_")
asinh = function_of("asinh")
asinh_ = function_of("asinh_")
atan = function_of("atan")
atan2 = function_of("atan2")
atan_ = function_of("atan_")
atanh = function_of("atanh")
atanh_ = function_of("atanh_")
bernoulli = function_of("bernoulli")
bincount = function_of("bincount")
bitwise_and = function_of("bitwise_and")
bitwise_left_shift = function_of("bitwise_left_shift")
bitwise_not = function_of("bitwise_not")
bitwise_or = function_of("bitwise_or")
bitwise_right_shift = function_of("bitwise_right_shift")
bitwise_xor = function_of("bitwise_xor")
broadcast_to = function_of("broadcast_to")
ceil = function_of("ceil")
ceil_ = function_of("ceil_")
cholesky = function_of("cholesky")
chunk = function_of("chunk")
clamp_ = function_of("clamp_")
clamp_max = function_of("clamp_max")
clamp_max_ = function_of("clamp_max_")
clamp_min = function_of("clamp_min")
clamp_min_ = function_of("clamp_min_")
clip = function_of("clip")
clip_ = function_of("clip_")
clone = function_of("clone")
copysign = function_of("copysign")
corrcoef = function_of("corrcoef")
cos_ = function_of("cos_")
cosh = function_of("cosh")
cosh_ = function_of("cosh_")
count_nonzero = function_of("count_nonzero")
cov = function_of("cov")
cross = function_of("cross")
cummax = function_of("cummax")
cummin = function_of("cummin")
cumprod = function_of("cumprod")
cumsum = function_of("cumsum")
deg2rad = function_of("deg2rad")
deg2rad_ = function_of("deg2rad_")
det = function_of("det")
detach = function_of("detach")
detach_ = function_of("detach_")
diag = function_of("diag")
diag_embed = function_of("diag_embed")
diagflat = function_of("diagflat")
diagonal = function_of("diagonal")
diagonal_scatter = function_of("diagonal_scatter")
diff = function_of("diff")
dist = function_of("dist")
div = function_of("div")
divide = function_of("divide")
dsplit = function_of("dsplit")
erf = function_of("erf")
erf_ = function_of("erf_")
erfc = function_of("erfc")
erfc_ = function_of("erfc_")
exp2 = function_of("exp2")
exp2_ = function_of("exp2_")
exp_ = function_of("exp_")
expm1 = function_of("expm1")
expm1_ = function_of("expm1_")
fill_ = function_of("fill_")
fix = function_of("fix")
fix_ = function_of("fix_")
flip = function_of("flip")
fliplr = function_of("fliplr")
flipud = function_of("flipud")
float_power = function_of("float_power")
floor = function_of("floor")
floor_ = function_of("floor_")
floor_divide = function_of("floor_divide")
fmax = function_of("fmax")
fmin = function_of("fmin")
fmod = function_of("fmod")
frac = function_of("frac")
frac_ = function_of("frac_")
frexp = function_of("frexp")
gcd = function_of("gcd")
gcd_ = function_of("gcd_")
ger = function_of("ger")
get_device = function_of("get_device")
greater = function_of("greater")
greater_equal = function_of("greater_equal")
heaviside = function_of("heaviside")
histc = function_of("histc")
histogram = function_of("histogram")
hsplit = function_of("hsplit")
hypot = function_of("hypot")
index_add = function_of("index_add")
index_copy = function_of("index_copy")
index_fill = function_of("index_fill")
index_put = function_of("index_put")
index_put_ = function_of("index_put_")
index_reduce = function_of("index_reduce")
inner = function_of("inner")
inverse = function_of("inverse")
is_floating_point = function_of("is_floating_point")
is_inference = function_of("is_inference")
is_signed = function_of("is_signed")
isfinite = function_of("isfinite")
isinf = function_of("isinf")
isnan = function_of("isnan")
isneginf = function_of("isneginf")
isposinf = function_of("isposinf")
kron = function_of("kron")
kthvalue = function_of("kthvalue")
lcm = function_of("lcm")
lcm_ = function_of("lcm_")
ldexp = function_of("ldexp")
ldexp_ = function_of("ldexp_")
lerp = function_of("lerp")
less = function_of("less")
less_equal = function_of("less_equal")
log10 = function_of("log10")
log10_ = function_of("log10_")
log1p = function_of("log1p")
log1p_ = function_of("log1p_")
log2 = function_of("log2")
log2_ = function_of("log2_")
log_ = function_of("log_")
logaddexp = function_of("logaddexp")
logaddexp2 = function_of("logaddexp2")
logcumsumexp = function_of("logcumsumexp")
logical_and = function_of("logical_and")
logical_not = function_of("logical_not")
logical_or = function_of("logical_or")
logical_xor = function_of("logical_xor")
logit = function_of("logit")
logit_ = function_of("logit_")
masked_scatter = function_of("masked_scatter")
masked_select = function_of("masked_select")
matrix_power = function_of("matrix_power")
median = function_of("median")
mode = function_of("mode")
moveaxis = function_of("moveaxis")
movedim = function_of("movedim")
msort = function_of("msort")
multinomial = function_of("multinomial")
multiply = function_of("multiply")
nan_to_num = function_of("nan_to_num")
nan_to_num_ = function_of("nan_to_num_")
nanmean = function_of("nanmean")
nanmedian = function_of("nanmedian")
nanquantile = function_of("nanquantile")
nansum = function_of("nansum")
narrow = function_of("narrow")
neg = function_of("neg")
neg_ = function_of("neg_")
negative = function_of("negative")
negative_ = function_of("negative_")
nextafter = function_of("nextafter")
nonzero = function_of("nonzero")
nonzero_static = function_of("nonzero_static")
norm = function_of("norm")
not_equal = function_of("not_equal")
pinverse = function_of("pinverse")
positive = function_of("positive")
prod = function_of("prod")
put = function_of("put")
qr = function_of("qr")
quantile = function_of("quantile")
rad2deg = function_of("rad2deg")
rad2deg_ = function_of("rad2deg_")
ravel = function_of("ravel")
reciprocal = function_of("reciprocal")
reciprocal_ = function_of("reciprocal_")
relu_ = function_of("relu_")
remainder = function_of("remainder")
renorm = function_of("renorm")
repeat_interleave = function_of("repeat_interleave")
roll = function_of("roll")
rot90 = function_of("rot90")
round = function_of("round")
round_ = function_of("round_")
rsqrt = function_of("rsqrt")
rsqrt_ = function_of("rsqrt_")
scatter = function_of("scatter")
scatter_reduce = function_of("scatter_reduce")
select = function_of("select")
select_scatter = function_of("select_scatter")
sigmoid_ = function_of("sigmoid_")
sign = function_of("sign")
signbit = function_of("signbit")
sin_ = function_of("sin_")
sinc = function_of("sinc")
sinc_ = function_of("sinc_")
sinh = function_of("sinh")
sinh_ = function_of("sinh_")
slice_scatter = function_of("slice_scatter")
solve = function_of("solve")
split = function_of("split")
split_with_sizes = function_of("split_with_sizes")
sqrt_ = function_of("sqrt_")
square_ = function_of("square_")
std = function_of("std")
sub = function_of("sub")
subtract = function_of("subtract")
svd = function_of("svd")
swapaxes = function_of("swapaxes")
swapdims = function_of("swapdims")
t = function_of("t")
take = function_of("take")
take_along_dim = function_of("take_along_dim")
tan = function_of("tan")
tan_ = function_of("tan_")
tanh_ = function_of("tanh_")
tensor_split = function_of("tensor_split")
tile = function_of("tile")
trace = function_of("trace")
tril = function_of("tril")
triu = function_of("triu")
true_divide = function_of("true_divide")
trunc = function_of("trunc")
trunc_ = function_of("trunc_")
unbind = function_of("unbind")
unflatten = function_of("unflatten")
unique = function_of("unique")
unique_consecutive = function_of("unique_consecutive")
var = function_of("var")
vdot = function_of("vdot")
vsplit = function_of("vsplit")
xlogy = function_of("xlogy")
xlogy_ = function_of("xlogy_")
zero_ = function_of("zero_")

__all__ = ["abs_", "absolute", "acos", "acos_", "acosh", "acosh_", "add", "addcdiv", "addcmul", "amax",
           "amin", "aminmax", "arccos", "arccos_", "arccosh", "arccosh_", "arcsin", "arcsin_", "arcsinh",
           "arcsinh_", "arctan", "arctan2", "arctan_", "arctanh", "arctanh_", "argwhere", "asin",
           "asin_", "asinh", "asinh_", "atan", "atan2", "atan_", "atanh", "atanh_", "bernoulli",
           "bincount", "bitwise_and", "bitwise_left_shift", "bitwise_not", "bitwise_or",
           "bitwise_right_shift", "bitwise_xor", "broadcast_to", "ceil", "ceil_", "cholesky",
           "chunk", "clamp_", "clamp_max", "clamp_max_", "clamp_min", "clamp_min_", "clip", "clip_",
           "clone", "copysign", "corrcoef", "cos_", "cosh", "cosh_", "count_nonzero", "cov",
           "cross", "cummax", "cummin", "cumprod", "cumsum", "deg2rad", "deg2rad_", "det", "detach",
           "detach_", "diag", "diag_embed", "diagflat", "diagonal", "diagonal_scatter", "diff",
           "dist", "div", "divide", "dsplit", "erf", "erf_", "erfc", "erfc_", "exp2", "exp2_",
           "exp_", "expm1", "expm1_", "fill_", "fix", "fix_", "flip", "fliplr", "flipud",
           "float_power", "floor", "floor_", "floor_divide", "fmax", "fmin", "fmod", "frac",
           "frac_", "frexp", "gcd", "gcd_", "ger", "get_device", "greater", "greater_equal",
           "heaviside", "histc", "histogram", "hsplit", "hypot", "index_add", "index_copy",
           "index_fill", "index_put", "index_put_", "index_reduce", "inner", "inverse",
           "is_floating_point", "is_inference", "is_signed", "isfinite", "isinf", "isnan",
           "isneginf", "isposinf", "kron", "kthvalue", "lcm", "lcm_", "ldexp", "ldexp_", "lerp",
           "less", "less_equal", "log10", "log10_", "log1p", "log1p_", "log2", "log2_", "log_",
           "logaddexp", "logaddexp2", "logcumsumexp", "logical_and", "logical_not", "logical_or",
           "logical_xor", "logit", "logit_", "masked_scatter", "masked_select", "matrix_power",
           "median", "mode", "moveaxis", "movedim", "msort", "multinomial", "multiply",
           "nan_to_num", "nan_to_num_", "nanmean", "nanmedian", "nanquantile", "nansum", "narrow",
           "neg", "neg_", "negative", "negative_", "nextafter", "nonzero", "nonzero_static", "norm",
           "not_equal", "pinverse", "positive", "prod", "put", "qr", "quantile", "rad2deg",
           "rad2deg_", "ravel", "reciprocal", "reciprocal_", "relu_", "remainder", "renorm",
           "repeat_interleave", "roll", "rot90", "round", "round_", "rsqrt", "rsqrt_", "scatter",
           "scatter_reduce", "select", "select_scatter", "sigmoid_", "sign", "signbit", "sin_",
           "sinc", "sinc_", "sinh", "sinh_", "slice_scatter", "solve", "split", "split_with_sizes",
           "sqrt_", "square_", "std", "sub", "subtract", "svd", "swapaxes", "swapdims", "t", "take",
           "take_along_dim", "tan", "tan_", "tanh_", "tensor_split", "tile", "trace", "tril",
           "triu", "true_divide", "trunc", "trunc_", "unbind", "unflatten", "unique",
           "unique_consecutive", "var", "vdot", "vsplit", "xlogy", "xlogy_", "zero_"]
