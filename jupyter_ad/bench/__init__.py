"""The benchmark suite: detectors on labelled datasets, under ADBench's protocol or fit-all.

In Python: ``result = run_benchmark(paths, "iforest,copod", protocol="adbench")``, then
``report = build_report(result, reference=path_to_paper_table)``, ``print(report.text())`` and
``write_outputs(report, "jupyter-ad-benchmark")``. From the shell:
``jupyter-ad benchmark DIR_OR_FILES... --protocol adbench``.
"""

from jupyter_ad.bench.datasets import (
    BenchDataset,
    dataset_from_arrays,
    dataset_from_frame,
    load_datasets,
)
from jupyter_ad.bench.protocols import AdbenchProtocol, FitAllProtocol, Protocol, get_protocol
from jupyter_ad.bench.report import (
    Report,
    build_report,
    default_reference_path,
    load_reference,
    write_outputs,
)
from jupyter_ad.bench.runner import BenchmarkResult, resolve_algorithms, run_benchmark

__all__ = [
    "AdbenchProtocol",
    "BenchDataset",
    "BenchmarkResult",
    "FitAllProtocol",
    "Protocol",
    "Report",
    "build_report",
    "dataset_from_arrays",
    "dataset_from_frame",
    "default_reference_path",
    "get_protocol",
    "load_datasets",
    "load_reference",
    "resolve_algorithms",
    "run_benchmark",
    "write_outputs",
]
