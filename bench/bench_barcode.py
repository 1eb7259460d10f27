"""Benchmark of `stockbot.barcodes.read_labels`: decode time per photo of a label.

Not a test (timings depend on the machine); run it by hand:

    .venv/bin/python bench/bench_barcode.py [--photos 20] [--seed 0]

Photos are made the way the tests make them (`tests/labels.py`: zxing-cpp's writer, a white
page, a random turn of ±15°, Gaussian blur 0.8–1.6 px, JPEG at quality 80), in two sizes: a
1280×960 photo as chat apps send it compressed, and a 4032×3024 12-megapixel file as sent
"as a document". Each kind: EAN-13, Code 128, QR, a GS1-128 delivery label, two codes on one
label, and a page with no code at all (the slowest case: every reader tries and fails).
Prints p50 / p95 / max per kind and size, and whether each photo read back what was printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from labels import code_image, photo
from stockbot.barcodes import read_labels

TARGET_MS = 150.0
KINDS = {
    "ean13": lambda: [code_image("4006381333931", "ean13")],
    "code128": lambda: [code_image("M8-BOLT-20", "code128")],
    "qr": lambda: [code_image("BRG-6204-2RS", "qr")],
    "gs1-128": lambda: [
        code_image("(01)09506000134352(10)LOT42(17)271231", "code128", gs1=True, scale=3)
    ],
    "two codes": lambda: [code_image("4006381333931", "ean13"), code_image("M10", "qr")],
    "no code": lambda: [],
}
EXPECT = {"two codes": 2, "no code": 0}
SIZES = {"1280x960": ((1280, 960), 1), "4032x3024": ((4032, 3024), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    read_labels(photo(code_image("1", "qr")))  # warm up (library load)
    worst = 0.0
    print(f"{'kind':<10} {'size':<10} {'read':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for size_name, (size, upscale) in SIZES.items():
        for kind, make in KINDS.items():
            times, good = [], 0
            for _ in range(args.photos):
                symbols = [
                    s.resize((s.width * upscale, s.height * upscale)) if upscale > 1 else s
                    for s in make()
                ]
                data = photo(
                    *symbols, rotate=rng.uniform(-15, 15), blur=rng.uniform(0.8, 1.6), size=size
                )
                started = time.perf_counter()
                labels = read_labels(data)
                times.append((time.perf_counter() - started) * 1000)
                good += len(labels) == EXPECT.get(kind, 1)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            worst = max(worst, p95)
            print(
                f"{kind:<10} {size_name:<10} {good:>3}/{args.photos:<2} "
                f"{statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}"
            )
    verdict = "ok" if worst <= TARGET_MS else "OVER"
    print(f"worst p95 {worst:.1f} ms (target ≤ {TARGET_MS:.0f} ms per photo): {verdict}")


if __name__ == "__main__":
    main()
