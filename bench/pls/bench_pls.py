"""Benchmark cxkit's PLS path modelling against a straightforward numpy implementation of the
same algorithm (bench/pls/numpy_pls.py: what a Python user would write), measured in the same
run, and quote seminr's figures from issue 5 (seminr is GPL and not installed here).

Cases: the ECSI model on mobi (250 rows; skipped if ../shared/data/mobi is absent) and on
100 000 synthetic rows drawn from an ECSI-like population model: one estimation and a
5000-resample bootstrap each (cxkit: all cores, percentile + BCa intervals included).

The numpy bootstrap is timed on a smaller number of resamples (--numpy-boot, default 100 for
mobi and 3 for 100k rows) and scaled linearly to 5000; the printout says so.

usage: bench/pls/run [--build DIR] [--boot 5000] [--numpy-boot N] [--numpy-boot-large N]
                     [--threads T] [--skip-large]
"""
import argparse
import os
import pathlib
import sys
import time

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import numpy_pls  # noqa: E402

SEMINR = {"mobi_fit": 0.014, "mobi_boot_2cores": 72.0, "mobi_boot_1core": 149.0,
          "large_fit": 1.1}

BLOCKS = [("Image", ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"]),
          ("Expectation", ["CUEX1", "CUEX2", "CUEX3"]),
          ("Quality", [f"PERQ{i}" for i in range(1, 8)]),
          ("Value", ["PERV1", "PERV2"]),
          ("Satisfaction", ["CUSA1", "CUSA2", "CUSA3"]),
          ("Complaints", ["CUSCO"]),
          ("Loyalty", ["CUSL1", "CUSL2", "CUSL3"])]
PATHS = [("Image", "Expectation"), ("Image", "Satisfaction"), ("Image", "Loyalty"),
         ("Expectation", "Quality"), ("Expectation", "Value"), ("Expectation", "Satisfaction"),
         ("Quality", "Value"), ("Quality", "Satisfaction"), ("Value", "Satisfaction"),
         ("Satisfaction", "Complaints"), ("Satisfaction", "Loyalty"),
         ("Complaints", "Loyalty")]


def syntax():
    lines = [f"{c} =~ {' + '.join(items)}" for c, items in BLOCKS]
    for c, _ in BLOCKS:
        pred = [a for a, b in PATHS if b == c]
        if pred:
            lines.append(f"{c} ~ {' + '.join(pred)}")
    return "\n".join(lines)


def synthetic(n, seed=2024):
    """ECSI-like population: standardised latent variables with the mobi path values, items
    = 0.8 latent + noise, cut to a 1..10 rating scale."""
    rng = np.random.default_rng(seed)
    names = [c for c, _ in BLOCKS]
    B = {("Image", "Expectation"): 0.5, ("Image", "Satisfaction"): 0.18,
         ("Image", "Loyalty"): 0.2, ("Expectation", "Quality"): 0.56,
         ("Expectation", "Value"): 0.05, ("Expectation", "Satisfaction"): 0.06,
         ("Quality", "Value"): 0.56, ("Quality", "Satisfaction"): 0.51,
         ("Value", "Satisfaction"): 0.19, ("Satisfaction", "Complaints"): 0.53,
         ("Satisfaction", "Loyalty"): 0.49, ("Complaints", "Loyalty"): 0.07}
    lv = {}
    for c in names:  # names are in causal order
        x = sum(b * lv[a] for (a, t), b in B.items() if t == c and a in lv)
        x = x + rng.normal(size=n) if isinstance(x, np.ndarray) else rng.normal(size=n)
        lv[c] = (x - x.mean()) / x.std()
    cols = {}
    for c, items in BLOCKS:
        for it in items:
            raw = 0.8 * lv[c] + 0.6 * rng.normal(size=n)
            cols[it] = np.clip(np.round(7 + 1.6 * raw), 1, 10)
    return pd.DataFrame(cols)


def best(f, repeat):
    """Best wall time and best CPU time of `repeat` runs (CPU time is the fairer figure on a
    machine shared with other jobs; both are single-threaded here)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        f()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def numpy_boot(df, b, seed=1):
    rng = np.random.default_rng(seed)
    n = len(df)
    arr = {k: df[k].to_numpy(float) for k in df.columns}
    for _ in range(b):
        idx = rng.integers(0, n, n)
        numpy_pls.pls({k: v[idx] for k, v in arr.items()}, BLOCKS, ["A"] * 7, PATHS)


def case(name, df, args, pls, numpy_boot_n, seminr_fit=None, seminr_boot=None):
    n = len(df)
    model = syntax()
    print(f"\n== {name}: {n} rows, 24 indicators, 7 constructs, 12 paths")
    rep = 20 if n < 10000 else 3
    t_cx, c_cx = best(lambda: pls.estimate(model, df), rep)
    t_np, c_np = best(lambda: numpy_pls.pls(df, BLOCKS, ["A"] * 7, PATHS), rep)
    # the C core alone: the model parsed and the columns handed over once
    from cxkit import core
    m = pls.Model(model)
    data = pls._data(m, df, None)
    opt = core.cx_pls_options()
    core.cx_pls_options_init(opt)
    t_core, c_core = best(lambda: core.cx_pls_fit_estimate(m._m, data, opt), rep)
    res = pls.estimate(model, df)
    ref = numpy_pls.pls(df, BLOCKS, ["A"] * 7, PATHS)
    diff = np.abs(res.paths.to_numpy() - ref["paths"]).max()
    print(f"estimation   cxkit {t_cx * 1e3:9.2f} ms wall {c_cx * 1e3:9.2f} ms CPU   numpy "
          f"{t_np * 1e3:9.2f} ms wall {c_np * 1e3:9.2f} ms CPU   numpy/cxkit {t_np / t_cx:.1f}x "
          f"wall, {c_np / c_cx:.1f}x CPU   (max |path difference| {diff:.1e})")
    print(f"             cxkit C core (columns already in C) {t_core * 1e3:.2f} ms wall "
          f"{c_core * 1e3:.2f} ms CPU")
    if seminr_fit:
        print(f"             seminr (issue 5) {seminr_fit * 1e3:.0f} ms -> seminr/cxkit "
              f"{seminr_fit / t_cx:.0f}x (wall), {seminr_fit / c_cx:.0f}x (CPU); "
              f"seminr/C core {seminr_fit / c_core:.0f}x (CPU)")
    t0, c0 = time.perf_counter(), time.process_time()
    boot = res.bootstrap(args.boot, seed=1, threads=args.threads)
    t_cb, c_cb = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    numpy_boot(df, numpy_boot_n)
    t_nb = (time.perf_counter() - t0) / numpy_boot_n * args.boot
    c_nb = (time.process_time() - c0) / numpy_boot_n * args.boot
    print(f"bootstrap    cxkit {t_cb:9.3f} s wall {c_cb:9.3f} s CPU ({args.boot} resamples, "
          f"{boot.threads_used} threads, percentile + BCa, {boot.n_failed} failed)")
    print(f"             numpy {t_nb:9.3f} s wall {c_nb:9.3f} s CPU ({numpy_boot_n} resamples "
          f"timed, scaled to {args.boot})   numpy/cxkit {t_nb / t_cb:.0f}x wall, "
          f"{c_nb / c_cb:.0f}x CPU")
    if seminr_boot:
        scale = args.boot / 5000  # seminr's figures are for 5000 resamples
        for label, t in seminr_boot:
            print(f"             seminr (issue 5, 5000 resamples) {label}: {t:.0f} s -> "
                  f"seminr/cxkit {t * scale / t_cb:.0f}x (cxkit wall time of this run)")
        one_core = dict(seminr_boot).get("1 core")
        if one_core:
            print(f"             seminr 1 core {one_core:.0f} s = CPU seconds -> seminr/cxkit "
                  f"{one_core * scale / c_cb:.0f}x (cxkit CPU seconds, all threads; on an idle "
                  f"{os.cpu_count()}-core machine cxkit's wall time is about CPU / threads)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("CX_BUILD_DIR"))
    ap.add_argument("--boot", type=int, default=5000)
    ap.add_argument("--numpy-boot", type=int, default=100)
    ap.add_argument("--numpy-boot-large", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    build = pathlib.Path(args.build) if args.build else next(
        (ROOT / d for d in ("build/release", "build-rel", "build") if (ROOT / d / "python").exists()),
        ROOT / "build/release")
    sys.path.insert(0, str(build / "python"))
    from cxkit import pls
    print(f"cxkit PLS benchmark: package {build / 'python'}, {os.cpu_count()} cores online, "
          f"load average {os.getloadavg()[0]:.1f}")
    mobi = ROOT.parent / "shared" / "data" / "mobi" / "mobi.csv"
    if mobi.exists():
        case("mobi (ECSI)", pd.read_csv(mobi), args, pls, args.numpy_boot,
             SEMINR["mobi_fit"], [("2 cores", SEMINR["mobi_boot_2cores"]),
                                  ("1 core", SEMINR["mobi_boot_1core"])])
    else:
        print("\n(mobi data absent: skipped)")
    if not args.skip_large:
        case("synthetic ECSI", synthetic(100_000), args, pls, args.numpy_boot_large,
             SEMINR["large_fit"])


if __name__ == "__main__":
    main()
