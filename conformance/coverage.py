"""How much of PyTorch's public surface tinygrad_edu has, by name, per group (needs torch).

    python conformance/coverage.py             # the table
    python conformance/coverage.py --missing   # and the names still missing, per group
    python conformance/coverage.py --excluded  # and what each exclusion family leaves out

Groups: Tensor methods, torch functions, ``nn.functional``, ``nn`` modules, ``optim`` with
``lr_scheduler``. A name counts as covered when tinygrad_edu has it at the same place
(``Tensor.x``, ``tinygrad_edu.x``, ``tinygrad_edu.nn.functional.x``...). Families that the project
leaves out on purpose are listed in ``EXCLUDED`` with the reason for each; their names count
neither way. ``conformance/test_coverage_conf.py`` checks that every covered name has a
conformance case (``CASES`` in the conformance modules) and that each group stays at 75% or more.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tinygrad_edu as tg  # noqa: E402

GROUPS = ("Tensor methods", "torch functions", "nn.functional", "nn modules", "optim + lr_scheduler")

# family -> (reason, regular expressions over names, the groups it applies to)
EXCLUDED: dict[str, tuple[str, list[str]]] = {
    "sparse": ("sparse layouts are out of scope: every Value is a dense numpy array",
               [r".*sparse.*", r"^(s|d|h)?s?mm$", r"^(hspmm|sspaddmm|saddmm|dsmm|hsmm|smm|spmm)$",
                r".*(crow|ccol|col|row)_indices.*", r"^(indices|values|coalesce|is_coalesced|dense_dim|"
                r"sparse_dim|to_dense|indices_copy|values_copy|sparse_mask|SparseAdam)$"]),
    "quantized": ("quantized tensors and fake quantization are an inference-deployment topic",
                  [r"^q_.*", r".*quant.*", r"^(qint|quint).*", r"^(int_repr|dequantize|qscheme|"
                   r"per_tensor_.*|per_channel_.*|choose_qparams_optimized|fbgemm_.*)$"]),
    "complex": ("complex numbers are out of scope: the dtypes are float, int and bool",
                [r".*complex.*", r"^c(float|double|half)$", r"^chalf$",
                 r"^(conj|conj_physical|conj_physical_|"
                 r"resolve_conj|resolve_neg|is_conj|is_neg|imag|real|angle|polar|adjoint|mH|H|"
                 r"view_as_real.*|isreal|sgn|sgn_|istft|stft|fft)$"]),
    "distributed": ("distributed and multi-process training need several machines",
                    [r".*distributed.*", r"^(DataParallel|SyncBatchNorm|multiprocessing|futures|fork|wait|"
                     r"Future|FutureType|share_memory_|is_shared|RRefType|"
                     r"prepare_multiprocessing_environment)$"]),
    "device": ("devices, streams, memory formats, storages and lazy (meta) modules: every Value lives "
               "in one numpy array on the CPU",
               [r".*(cuda|cudnn|miopen|mkldnn|mps|xpu|ipu|mtia|maia|vulkan|xla|hpu|lazy|meta).*",
                r".*(Storage|storage).*", r"^Lazy.*",
                r"^(Stream|Event|StreamObjType|pin_memory|is_pinned|record_stream|"
                r"data_ptr|const_data_ptr|storage_offset|stride|dim_order|as_strided.*|set_|"
                r"memory_format|contiguous_format|channels_last.*|preserve_format|"
                r"legacy_contiguous_format|layout|strided|jagged|nested|is_nested|to_padded_tensor|"
                r"new_empty_strided|empty_strided|empty_permuted|module_load|get_device_module|"
                r"set_flush_denormal|has_.*|accelerator|amp|autocast.*|.*_autocast_.*|get_autocast_.*|"
                r"set_autocast_.*|clear_autocast_cache|GradScaler|OutOfMemoryError|AcceleratorError|"
                r"from_dlpack|to_dlpack|from_file|frombuffer|resize.*|untyped_storage|"
                r"get_num_interop_threads|set_num_interop_threads|init_num_threads|"
                r"set_float32_matmul_precision|get_float32_matmul_precision)$"]),
    "compiler": ("TorchScript, FX, export and backend internals (the trace-and-replay compiler is "
                 "tinygrad_edu.compile)",
                 [r"^[A-Z][A-Za-z]*(Type|Iterator)$", r"^(Script.*|jit|fx|export|onnx|package|library|ops|"
                  r"classes|overrides|_.*|parse_.*|import_ir_.*|merge_type_from_type_comment|"
                  r"unify_type_list|Graph|Block|Node|Value|Use|Code|CallStack|Capsule|AliasDb|"
                  r"Argument|ArgumentSpec|CompleteArgumentSpec|CompilationUnit|ConcreteModuleType.*|"
                  r"DeepCopyMemoTable|.*StorageContext|DispatchKey.*|ExcludeDispatchKeyGuard|"
                  r"ExecutionPlan|ErrorReport|FatalError|FileCheck|FunctionSchema|Gradient|"
                  r"GraphExecutorState|IODescriptor|InferredType|JITException|LiteScriptModule|"
                  r"LockingLogger|LoggerBase|NoopLogger|OperatorInfo|PRIVATE_OPS|PyTorchFile.*|"
                  r"StaticModule|Tag|TracingState|ThroughputBenchmark|Benchmark.*|AggregationType|"
                  r"AVG|SUM|BufferDict|DisableTorchFunction.*|Sym.*|sym_.*|compiler|compiled_with_cxx11_abi|"
                  r"cond|while_loop|handle_torch_function|has_torch_function.*|boolean_dispatch|"
                  r"native_.*|.*_copy|.*_backward_.*|batch_norm_.*|slice_inverse|segment_reduce|"
                  r"unsafe_.*|constant_pad_nd|convolution|conv_tbc|thread_safe_generator|"
                  r"get_file_path|typename|hash_tensor|monitor|profiler.*|testing|hub|"
                  r"UninitializedBuffer|UninitializedParameter|Container|Buffer|"
                  r"LinearCrossEntropyOptions|linear_cross_entropy|LinearCrossEntropyLoss|grouped_mm|"
                  r"scaled_grouped_mm|scaled_mm|ScalingType|SwizzleType|Muon|"
                  r"swap_in_optimizer_params_and_state|output_nr|apply_|map_|map2_|reinforce|volatile|"
                  r"is_set_to|itemsize|element_size|nbytes|rrelu_.*)$"]),
    "python modules and typing": ("submodules, typing names and the standard library re-exported by torch",
                                  [r"^(autograd|nn|optim|utils|linalg|special|func|functional|random|"
                                   r"serialization|backends|version|torch_version|types|return_types|"
                                   r"distributions|signal|masked|quasirandom|ao|cpu|windows|inspect|"
                                   r"builtins|ctypes|functools|glob|importlib|math|os|platform|sys|"
                                   r"textwrap|threading|warnings|np|dataclasses|torch|"
                                   r"TYPE_CHECKING|USE_GLOBAL_DEPS|USE_RTLD_GLOBAL_WITH_LIBTORCH|Callable|"
                                   r"Optional|DType|BroadcastingList\d|Any|Counter|Literal|Self|SupportsFloat|"
                                   r"TypedDict|annotations|bisect_right|cast|inf|override|partial|ref|"
                                   r"wraps|EPOCH_DEPRECATION_WARNING|Optimizer|Tensor|lr_scheduler|"
                                   r"swa_utils|assert_int_or_pair|reproducibility_notes|"
                                   r"sparse_support_notes|tf32_notes|GRID_SAMPLE_.*|classproperty)$"]),
    "low-precision dtypes": ("bfloat16, float16, float8/4 and sub-byte integers have no numpy equivalent "
                             "worth teaching with",
                             [r"^(bfloat16|float16|half|float8_.*|float4_.*|bits.*|int[1-7]|uint[1-7]|"
                              r"BFloat16Tensor|HalfTensor)$"]),
    "special functions": ("gamma-family and Bessel special functions need scipy (numpy has none)",
                          [r"^(digamma|digamma_|lgamma|lgamma_|polygamma|polygamma_|mvlgamma|mvlgamma_|"
                           r"igamma|igamma_|igammac|igammac_|i0|i0_|erfinv|erfinv_)$"]),
    "lapack decompositions": ("matrix decompositions beyond inverse/det/solve need LAPACK routines numpy "
                              "does not expose; learners meet them in torch.linalg",
                              [r"^(geqrf|orgqr|ormqr|lu|lu_solve|lu_unpack|lobpcg|pca_lowrank|svd_lowrank|"
                               r"symeig|eig|lstsq|triangular_solve|cholesky_solve|cholesky_inverse|"
                               r"matrix_exp|slogdet|logdet)$"]),
}


def _public(obj, classes_only: bool = False) -> list[str]:
    names = []
    for n in dir(obj):
        if n.startswith("_"):
            continue
        if classes_only and not inspect.isclass(getattr(obj, n)):
            continue
        names.append(n)
    return names


def torch_names() -> dict[str, list[str]]:
    import torch

    sched = [n for n in _public(torch.optim.lr_scheduler, classes_only=True)]
    return {
        "Tensor methods": _public(torch.Tensor),
        "torch functions": _public(torch),
        "nn.functional": _public(torch.nn.functional),
        "nn modules": _public(torch.nn, classes_only=True),
        "optim + lr_scheduler": [n for n in _public(torch.optim) if n != "lr_scheduler"]
        + ["lr_scheduler." + n for n in sched],
    }


def ours(group: str, name: str) -> bool:
    if group == "Tensor methods":
        return hasattr(tg.Tensor, name)
    if group == "torch functions":
        return hasattr(tg, name)
    if group == "nn.functional":
        return hasattr(tg.nn.functional, name)
    if group == "nn modules":
        return hasattr(tg.nn, name)
    if name.startswith("lr_scheduler."):
        return hasattr(tg.optim.lr_scheduler, name.split(".", 1)[1])
    return hasattr(tg.optim, name)


def family(name: str) -> str | None:
    bare = name.split(".", 1)[1] if name.startswith("lr_scheduler.") else name
    for fam, (_, patterns) in EXCLUDED.items():
        if any(re.fullmatch(p, bare) for p in patterns):
            return fam
    return None


def report() -> dict[str, dict]:
    out = {}
    for group, names in torch_names().items():
        excluded = {n: family(n) for n in names if family(n)}
        counted = [n for n in names if n not in excluded]
        have = [n for n in counted if ours(group, n)]
        out[group] = {"names": names, "excluded": excluded, "counted": counted, "have": have,
                      "missing": [n for n in counted if n not in have]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--missing", action="store_true", help="list the missing names per group")
    ap.add_argument("--excluded", action="store_true", help="list the excluded names per family")
    args = ap.parse_args()
    import torch

    rep = report()
    print(f"PyTorch {torch.__version__} against tinygrad_edu {tg.__version__}\n")
    print(f"| {'group':22} | {'names':>5} | {'excluded':>8} | {'counted':>7} | {'have':>5} | {'share':>6} |")
    print(f"|{'-' * 24}|{'-' * 7}|{'-' * 10}|{'-' * 9}|{'-' * 7}|{'-' * 8}|")
    for group in GROUPS:
        r = rep[group]
        share = len(r["have"]) / max(1, len(r["counted"]))
        print(f"| {group:22} | {len(r['names']):5} | {len(r['excluded']):8} | {len(r['counted']):7} | "
              f"{len(r['have']):5} | {share:6.0%} |")
    print("\nExcluded families:")
    for fam, (reason, _) in EXCLUDED.items():
        print(f"- {fam}: {reason}")
    if args.excluded:
        for group in GROUPS:
            by: dict[str, list[str]] = {}
            for n, fam in rep[group]["excluded"].items():
                by.setdefault(fam, []).append(n)
            print(f"\n## {group}: excluded")
            for fam, ns in by.items():
                print(f"- {fam}: {' '.join(ns)}")
    if args.missing:
        for group in GROUPS:
            print(f"\n## {group}: missing ({len(rep[group]['missing'])})")
            print(" ".join(rep[group]["missing"]))


if __name__ == "__main__":
    main()
