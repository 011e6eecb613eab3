"""Floor 3: the in-place variants of PyTorch's Tensor methods, from one rule.

``x.abs_()`` is ``x.abs()`` written into ``x`` (``Value._assign``): outside a graph the numbers are
written with no node; inside one (grad mode on and ``x`` or an argument requiring grad), ``x``
becomes the op's output, as PyTorch records it. Each line below applies :func:`inplace_of` to one
method; hand-written in-place methods (``add_`` with ``alpha``, shape-changing ``squeeze_``,
random fills) live with their families and win, because this mixin is the last base of
:class:`~tinygrad_edu.methods.Methods`. ``tests/test_twins.py`` checks that every method with a
PyTorch in-place variant has its line.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["InplaceMethods", "inplace_of"]


def inplace_of(name: str) -> Callable[..., Any]:
    """``x.<name>_(*args)``: ``x.<name>(*args)`` written into ``x``."""

    def inplace(self: Any, *args: Any, **kwargs: Any) -> Any:
        return self._assign(lambda v, *a, **k: getattr(v, name)(*a, **k), *args, **kwargs)

    inplace.__name__ = inplace.__qualname__ = name + "_"
    inplace.__doc__ = f"In-place ``{name}``: ``x.{name}_(...)`` writes ``x.{name}(...)`` into ``x``."
    return inplace


class InplaceMethods:
    """Mixin: one in-place variant per line."""

    __slots__ = ()
    abs_ = inplace_of("abs")
    absolute_ = inplace_of("absolute")
    acos_ = inplace_of("acos")
    acosh_ = inplace_of("acosh")
    addcdiv_ = inplace_of("addcdiv")
    addcmul_ = inplace_of("addcmul")
    addmm_ = inplace_of("addmm")
    arccos_ = inplace_of("arccos")
    arccosh_ = inplace_of("arccosh")
    arcsin_ = inplace_of("arcsin")
    arcsinh_ = inplace_of("arcsinh")
    arctan_ = inplace_of("arctan")
    arctan2_ = inplace_of("arctan2")
    arctanh_ = inplace_of("arctanh")
    asin_ = inplace_of("asin")
    asinh_ = inplace_of("asinh")
    atan_ = inplace_of("atan")
    atan2_ = inplace_of("atan2")
    atanh_ = inplace_of("atanh")
    bitwise_and_ = inplace_of("bitwise_and")
    bitwise_left_shift_ = inplace_of("bitwise_left_shift")
    bitwise_not_ = inplace_of("bitwise_not")
    bitwise_or_ = inplace_of("bitwise_or")
    bitwise_right_shift_ = inplace_of("bitwise_right_shift")
    bitwise_xor_ = inplace_of("bitwise_xor")
    ceil_ = inplace_of("ceil")
    clamp_ = inplace_of("clamp")
    clamp_max_ = inplace_of("clamp_max")
    clamp_min_ = inplace_of("clamp_min")
    clip_ = inplace_of("clip")
    copysign_ = inplace_of("copysign")
    cos_ = inplace_of("cos")
    cosh_ = inplace_of("cosh")
    cumprod_ = inplace_of("cumprod")
    cumsum_ = inplace_of("cumsum")
    deg2rad_ = inplace_of("deg2rad")
    divide_ = inplace_of("divide")
    eq_ = inplace_of("eq")
    erf_ = inplace_of("erf")
    erfc_ = inplace_of("erfc")
    exp_ = inplace_of("exp")
    exp2_ = inplace_of("exp2")
    expm1_ = inplace_of("expm1")
    fix_ = inplace_of("fix")
    floor_ = inplace_of("floor")
    floor_divide_ = inplace_of("floor_divide")
    fmod_ = inplace_of("fmod")
    frac_ = inplace_of("frac")
    gcd_ = inplace_of("gcd")
    ge_ = inplace_of("ge")
    greater_ = inplace_of("greater")
    greater_equal_ = inplace_of("greater_equal")
    gt_ = inplace_of("gt")
    heaviside_ = inplace_of("heaviside")
    hypot_ = inplace_of("hypot")
    index_add_ = inplace_of("index_add")
    index_copy_ = inplace_of("index_copy")
    index_fill_ = inplace_of("index_fill")
    index_put_ = inplace_of("index_put")
    index_reduce_ = inplace_of("index_reduce")
    lcm_ = inplace_of("lcm")
    ldexp_ = inplace_of("ldexp")
    le_ = inplace_of("le")
    lerp_ = inplace_of("lerp")
    less_ = inplace_of("less")
    less_equal_ = inplace_of("less_equal")
    log_ = inplace_of("log")
    log10_ = inplace_of("log10")
    log1p_ = inplace_of("log1p")
    log2_ = inplace_of("log2")
    logical_and_ = inplace_of("logical_and")
    logical_not_ = inplace_of("logical_not")
    logical_or_ = inplace_of("logical_or")
    logical_xor_ = inplace_of("logical_xor")
    logit_ = inplace_of("logit")
    lt_ = inplace_of("lt")
    masked_fill_ = inplace_of("masked_fill")
    masked_scatter_ = inplace_of("masked_scatter")
    multiply_ = inplace_of("multiply")
    nan_to_num_ = inplace_of("nan_to_num")
    ne_ = inplace_of("ne")
    neg_ = inplace_of("neg")
    negative_ = inplace_of("negative")
    nextafter_ = inplace_of("nextafter")
    not_equal_ = inplace_of("not_equal")
    pow_ = inplace_of("pow")
    put_ = inplace_of("put")
    rad2deg_ = inplace_of("rad2deg")
    reciprocal_ = inplace_of("reciprocal")
    relu_ = inplace_of("relu")
    remainder_ = inplace_of("remainder")
    renorm_ = inplace_of("renorm")
    round_ = inplace_of("round")
    rsqrt_ = inplace_of("rsqrt")
    scatter_ = inplace_of("scatter")
    scatter_add_ = inplace_of("scatter_add")
    scatter_reduce_ = inplace_of("scatter_reduce")
    sigmoid_ = inplace_of("sigmoid")
    sign_ = inplace_of("sign")
    sin_ = inplace_of("sin")
    sinc_ = inplace_of("sinc")
    sinh_ = inplace_of("sinh")
    sqrt_ = inplace_of("sqrt")
    square_ = inplace_of("square")
    subtract_ = inplace_of("subtract")
    tan_ = inplace_of("tan")
    tanh_ = inplace_of("tanh")
    tril_ = inplace_of("tril")
    triu_ = inplace_of("triu")
    true_divide_ = inplace_of("true_divide")
    trunc_ = inplace_of("trunc")
    xlogy_ = inplace_of("xlogy")
