"""Every benchmark in one command (``make bench``): accuracy on the shared ADBench files (the
defaults, and the large-data default against scikit-learn) and speed/memory against
scikit-learn and PyOD; the large-default and speed tables are written into docs/benchmarks.md.

Run: ``python benchmarks/run_all.py [--quick]`` (``--quick``: 200k rows, 1M-row stream).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller speed sizes")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(HERE / "adbench_default.py")], check=True)
    subprocess.run([sys.executable, str(HERE / "adbench_large_default.py"), "--full",
                    "--write"], check=True)
    sizes = ["--rows", "200000", "--stream-rows", "1000000"] if args.quick else []
    subprocess.run([sys.executable, str(HERE / "speed.py"), *sizes, "--write"], check=True)


if __name__ == "__main__":
    main()
