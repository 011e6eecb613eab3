"""Twins, each from one rule: ``torch.f(input, ...)`` for a Tensor method ``input.f(...)``, and the
in-place ``x.f_(...)`` for a method ``x.f(...)``.

A twin is listed here once and exists when the method does, so adding a method to the surface
(``math_methods.py``, ``reduce_methods.py``...) brings its top-level function and its in-place
variant with it. Explicit definitions (``toplevel.py``, hand-written ``add_``) win over the rule.
The in-place rule is ``Value._assign``: the out-of-place result written into ``x``, recorded in the
graph as PyTorch records it (docs/design.md, "In place").
"""

from __future__ import annotations

from typing import Any, Callable

from .dtypes import as_data
from .value import Value

__all__ = ["TWINS", "INPLACE", "function_of", "inplace_of", "install"]

# torch functions that are the Tensor method of their first argument, with the same arguments
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
""".split()


def function_of(name: str) -> Callable[..., Any]:
    """``torch.<name>(input, *args, out=None, **kwargs)`` as ``input.<name>(*args, **kwargs)``."""

    def function(input: Any, *args: Any, out: Value | None = None, **kwargs: Any) -> Any:
        result = getattr(input if isinstance(input, Value) else Value(as_data(input)), name)(*args, **kwargs)
        return result if out is None else out.copy_(result)  # PyTorch's out=: written in place

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``torch.{name}(input, ...)`` is ``input.{name}(...)`` (:meth:`Value.{name}`)."
    return function


def inplace_of(name: str) -> Callable[..., Value]:
    """``x.<name>_(*args)``: ``x.<name>(*args)`` written into ``x`` (``Value._assign``)."""
    method = getattr(Value, name)

    def inplace(self: Value, *args: Any, **kwargs: Any) -> Value:
        return self._assign(method, *args, **kwargs)

    inplace.__name__ = inplace.__qualname__ = name + "_"
    inplace.__doc__ = f"In-place :meth:`{name}`: ``x.{name}_(...)`` writes ``x.{name}(...)`` into ``x``."
    return inplace


def install() -> dict[str, Callable[..., Any]]:
    """Add the in-place methods to :class:`Value` and return the top-level twins (run once, by
    ``tinygrad_edu/__init__.py``). A name exists only where the method it comes from does."""
    for name in INPLACE:
        if hasattr(Value, name) and not hasattr(Value, name + "_"):
            setattr(Value, name + "_", inplace_of(name))
    return {name: function_of(name) for name in TWINS if hasattr(Value, name)}
