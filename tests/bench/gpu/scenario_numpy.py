#!/usr/bin/env python3
"""The scenario engine's model written with NumPy, for comparison.

Same model and parameters as tests/bench/gpu/bench_scenarios.cpp
(gpu/ScenarioParams.h has the equations): geometric Brownian motion of the
value with daily drift and volatility, lognormal jumps on demand shocks,
lognormal daily cost, rare failures with a fixed cost, a budget line. It is
written the way one would in NumPy: vectorised over scenarios, a Python loop
over days, float64, NumPy's default generator (PCG64), so its random numbers
differ from the engine's Philox ones; its statistics agree within Monte Carlo
error.

Prints one line starting with RESULT (key=value pairs) for run.sh.

    scenario_numpy.py [--scenarios N] [--days H] [--repeat R] [--seed S]
"""

import argparse
import math
import time

import numpy as np

PARAMS = {
    "initial_value": 1.0e6,
    "value_drift_daily": 0.0003,
    "value_volatility_daily": 0.012,
    "cost_log_mean": 7.0,
    "cost_log_sd": 0.4,
    "shock_probability_daily": 0.01,
    "shock_log_mean": -0.05,
    "shock_log_sd": 0.03,
    "failure_probability_daily": 0.002,
    "failure_cost": 25000.0,
    "budget": 500000.0,
    "initial_capital": 500000.0,
}


def simulate(n, days, seed, p):
    rng = np.random.default_rng(seed)
    sigma = p["value_volatility_daily"]
    drift = p["value_drift_daily"] - 0.5 * sigma * sigma
    log_value = np.zeros(n)
    cost = np.zeros(n)
    for _ in range(days):
        z = rng.standard_normal((2, n))
        u = rng.random((2, n))
        log_value += drift + sigma * z[0]
        shock = u[0] < p["shock_probability_daily"]
        hits = np.count_nonzero(shock)
        if hits:
            log_value[shock] += p["shock_log_mean"] + p["shock_log_sd"] * rng.standard_normal(hits)
        cost += np.exp(p["cost_log_mean"] + p["cost_log_sd"] * z[1])
        cost += np.where(u[1] < p["failure_probability_daily"], p["failure_cost"], 0.0)
    value = p["initial_value"] * np.exp(log_value)
    return value - cost, cost, value


def summarize(net, cost, p, bins=50):
    n = net.size
    ordered = np.sort(net)
    tail = max(1, (n * 5 + 99) // 100)
    counts, _ = np.histogram(net, bins=bins)
    return {
        "mean": float(net.mean()),
        "std_dev": float(net.std(ddof=1)) if n > 1 else 0.0,
        "p5": float(np.percentile(ordered, 5)),
        "p50": float(np.percentile(ordered, 50)),
        "p95": float(np.percentile(ordered, 95)),
        "prob_loss": float(np.count_nonzero(net < p["initial_capital"]) / n),
        "prob_breach": float(np.count_nonzero(cost > p["budget"]) / n),
        "expected_shortfall_95": float(ordered[:tail].mean()),
        "cost_mean": float(cost.mean()),
        "histogram_total": int(counts.sum()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=int, default=10000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    times = []
    stats = None
    for i in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        net, cost, _ = simulate(args.scenarios, args.days, args.seed + i, PARAMS)
        stats = summarize(net, cost, PARAMS)
        times.append(time.perf_counter() - t0)
    times.sort()
    best = times[0]
    steps = args.scenarios * args.days
    print(
        "RESULT backend=numpy device=\"numpy %s, float64, 1 thread\" threads=1 scenarios=%d days=%d "
        "best_run_ms=%.3f median_run_ms=%.3f run_rate=%.4g run_rate_per_thread=%.4g mean=%.2f p5=%.2f p95=%.2f "
        "prob_loss=%.4f prob_breach=%.4f expected_shortfall_95=%.2f"
        % (np.__version__, args.scenarios, args.days, best * 1e3, times[len(times) // 2] * 1e3, steps / best,
           steps / best, stats["mean"], stats["p5"], stats["p95"], stats["prob_loss"], stats["prob_breach"],
           stats["expected_shortfall_95"]))
    assert stats["histogram_total"] == args.scenarios and math.isfinite(stats["mean"])


if __name__ == "__main__":
    main()
