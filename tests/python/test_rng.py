"""cxkit.RNG against scipy.stats: goodness of fit (KS for continuous, chi-square for discrete),
moments, exact reproducibility, and errors. Fixed seeds make every statistic deterministic; the
thresholds are p-values of 1e-4 for a correct sampler."""
import numpy as np
import pytest
from scipy import stats

import cxkit

N = 200_000
P_MIN = 1e-4


def test_golden_values_match_the_c_tests():
    r = cxkit.RNG(42, 0)  # tests/c/test_rng.c seeding_golden_values, from the Python reference
    assert [r.next_u64() for _ in range(2)] == [0x669e233396a599dc, 0xe242420c0f6b0d40]
    r = cxkit.RNG(42, 1)
    assert r.next_u64() == 0xd51d909492c147f7
    r = cxkit.RNG(42, 0).jump()
    assert r.next_u64() == 0x94a0dbf68e599d78


def test_same_seed_same_draws_and_copies_continue():
    a, b = cxkit.RNG(7, 3), cxkit.RNG(7, 3)
    np.testing.assert_array_equal(a.gamma(0.5, 2.0, size=1000), b.gamma(0.5, 2.0, size=1000))
    c = a.copy()
    np.testing.assert_array_equal(a.normal(size=10), c.normal(size=10))
    assert not np.array_equal(cxkit.RNG(7, 4).uniform(size=10), cxkit.RNG(7, 3).uniform(size=10))
    # a fill is the same as repeated single draws
    d, e = cxkit.RNG(9), cxkit.RNG(9)
    assert list(d.poisson(40.0, size=50)) == [e.poisson(40.0) for _ in range(50)]


@pytest.mark.parametrize("mean,sd", [(0.0, 1.0), (-2.0, 3.5)])
def test_normal_fits(mean, sd):
    x = cxkit.RNG(11).normal(mean, sd, size=N)
    assert x.dtype == np.float64 and x.shape == (N,)
    assert stats.kstest(x, stats.norm(mean, sd).cdf).pvalue > P_MIN


@pytest.mark.parametrize("shape", [0.05, 0.4, 1.0, 3.3, 80.0])
def test_gamma_fits(shape):
    x = cxkit.RNG(12).gamma(shape, 2.0, size=N)
    assert stats.kstest(x, stats.gamma(shape, scale=2.0).cdf).pvalue > P_MIN
    assert abs(x.mean() - 2.0 * shape) < 5 * np.sqrt(4.0 * shape / N)


@pytest.mark.parametrize("a,b", [(0.1, 0.3), (0.5, 0.5), (2.0, 5.0), (0.8, 40.0), (60.0, 2.0)])
def test_beta_fits(a, b):
    x = cxkit.RNG(13).beta(a, b, size=N)
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert stats.kstest(x, stats.beta(a, b).cdf).pvalue > P_MIN


def test_uniform_fits():
    x = cxkit.RNG(14).uniform(size=N)
    assert x.min() >= 0.0 and x.max() < 1.0
    assert stats.kstest(x, "uniform").pvalue > P_MIN


def chi2_pvalue(counts_k, dist):
    """Pearson chi-square of integer draws against a scipy discrete distribution, in cells of
    expected count >= 20 (tails pooled)."""
    n = len(counts_k)
    lo, hi = int(dist.ppf(1e-9)), int(dist.isf(1e-9)) + 1
    ks = np.arange(lo, hi + 1)
    expect = dist.pmf(ks) * n
    expect[0] += dist.cdf(lo - 1) * n
    expect[-1] += dist.sf(hi) * n
    seen = np.bincount(np.clip(counts_k, lo, hi) - lo, minlength=len(ks)).astype(float)
    cells_e, cells_o, acc_e, acc_o = [], [], 0.0, 0.0
    for e, o in zip(expect, seen):
        acc_e += e
        acc_o += o
        if acc_e >= 20:
            cells_e.append(acc_e), cells_o.append(acc_o)
            acc_e = acc_o = 0.0
    cells_e[-1] += acc_e
    cells_o[-1] += acc_o
    return stats.chisquare(cells_o, cells_e).pvalue


@pytest.mark.parametrize("lam", [0.3, 4.0, 9.99, 10.0, 55.5, 2500.0])
def test_poisson_fits(lam):
    k = cxkit.RNG(15).poisson(lam, size=N)
    assert k.dtype == np.int64
    assert chi2_pvalue(k, stats.poisson(lam)) > P_MIN


@pytest.mark.parametrize("n,p", [(10, 0.3), (200, 0.02), (60, 0.5), (1000, 0.25), (500, 0.93)])
def test_binomial_fits(n, p):
    k = cxkit.RNG(16).binomial(n, p, size=N)
    assert k.min() >= 0 and k.max() <= n
    assert chi2_pvalue(k, stats.binom(n, p)) > P_MIN


def test_below_is_unbiased():
    k = cxkit.RNG(17).below(7, size=70_000)
    assert k.min() >= 0 and k.max() < 7
    assert stats.chisquare(np.bincount(k, minlength=7)).pvalue > P_MIN
    assert cxkit.RNG(1).below(0) == 0


def test_bad_parameters_raise_and_leave_the_generator_alone():
    r = cxkit.RNG(5)
    ref = r.copy()
    with pytest.raises(cxkit.InvalidArgument) as err:
        r.gamma(0.0, 1.0, size=10)
    assert err.value.param == "shape"
    with pytest.raises(ValueError):
        r.normal(0.0, -1.0)
    with pytest.raises(cxkit.InvalidArgument):
        r.binomial(10, 1.5, size=3)
    with pytest.raises(cxkit.InvalidArgument):
        r.poisson(float("nan"))
    assert r.next_u64() == ref.next_u64()


def test_bulk_bounded_integers_check_the_bound():
    with pytest.raises(cxkit.InvalidArgument) as err:
        cxkit.RNG(1).below(2**63 + 5, size=3)
    assert err.value.param == "bound"
    a, b = cxkit.RNG(3), cxkit.RNG(3)
    assert list(a.below(1000, size=20)) == [b.below(1000) for _ in range(20)]


def cli():
    import os
    import pathlib
    return pathlib.Path(os.environ.get("CX_BINARY_DIR",
                                       pathlib.Path(__file__).parents[2] / "build")) / "cxkit"


def test_cli_draws_equal_the_library():
    import json
    import subprocess
    out = subprocess.run([str(cli()), "rng", "gamma", "2.5", "1.7", "--n", "5", "--seed", "2024",
                          "--stream", "3"], capture_output=True, text=True, check=True).stdout
    got = np.array([float(v) for v in out.split()])
    np.testing.assert_array_equal(got, cxkit.RNG(2024, 3).gamma(2.5, 1.7, size=5))
    out = subprocess.run([str(cli()), "rng", "binomial", "40", "0.25", "--n", "4", "--json"],
                         capture_output=True, text=True, check=True).stdout
    doc = json.loads(out)
    assert doc["draws"] == list(cxkit.RNG(0, 0).binomial(40, 0.25, size=4))
    out = subprocess.run([str(cli()), "rng", "normal", "--n", "2", "--", "-2", "0.5"],
                         capture_output=True, text=True, check=True).stdout
    np.testing.assert_array_equal([float(v) for v in out.split()],
                                  cxkit.RNG(0, 0).normal(-2.0, 0.5, size=2))


def test_cli_errors_and_usage():
    import subprocess
    bad = subprocess.run([str(cli()), "rng", "gamma", "0", "1"], capture_output=True, text=True)
    assert bad.returncode == 1 and "shape" in bad.stderr
    usage = subprocess.run([str(cli()), "rng", "nosuch"], capture_output=True, text=True)
    assert usage.returncode == 2 and "unknown distribution" in usage.stderr
    usage = subprocess.run([str(cli()), "rng", "beta", "1"], capture_output=True, text=True)
    assert usage.returncode == 2
