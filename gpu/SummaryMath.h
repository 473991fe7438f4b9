#pragma once
// Order-statistic formulas shared by the CPU and CUDA backends, so that the
// same sorted outcomes give the same percentiles, expected shortfall and
// histogram on both.

#include "HostDevice.h"

#include <cstdint>

namespace cabinet::gpu {

struct PercentileIndex {
    std::uint64_t lo;
    std::uint64_t hi;
    double fraction; // result = x[lo] + fraction * (x[hi] - x[lo])
};

// Linear interpolation between order statistics at position q * (n - 1)
// (NumPy's default "linear" method). q in [0, 1], n >= 1.
CABINET_KERNEL_FN PercentileIndex percentileIndex(std::uint64_t n, double q)
{
    const double position = q * static_cast<double>(n - 1);
    std::uint64_t lo = static_cast<std::uint64_t>(position);
    if (lo > n - 1)
        lo = n - 1;
    const std::uint64_t hi = lo + 1 < n ? lo + 1 : lo;
    return PercentileIndex { lo, hi, position - static_cast<double>(lo) };
}

CABINET_KERNEL_FN double interpolate(float lo, float hi, double fraction)
{
    return static_cast<double>(lo) + fraction * (static_cast<double>(hi) - static_cast<double>(lo));
}

// Number of worst outcomes averaged by the expected shortfall at 95 %:
// ceil(n * 5 / 100), at least 1.
CABINET_KERNEL_FN std::uint64_t tailCount95(std::uint64_t n)
{
    const std::uint64_t k = (n * 5 + 99) / 100;
    return k == 0 ? 1 : k;
}

// Bin of x among `bins` equal-width bins over [lo, hi]: -1 below, `bins`
// above, x == hi in the last bin. Non-decreasing in x, which lets a sorted
// array be binned by binary search (histogramBoundary).
CABINET_KERNEL_FN std::int64_t histogramBin(float x, double lo, double hi, std::uint32_t bins)
{
    const double v = static_cast<double>(x);
    if (!(v >= lo))
        return -1;
    if (v > hi)
        return static_cast<std::int64_t>(bins);
    if (!(hi > lo))
        return 0; // a degenerate range: every outcome equal
    std::int64_t b = static_cast<std::int64_t>((v - lo) / (hi - lo) * static_cast<double>(bins));
    if (b >= static_cast<std::int64_t>(bins))
        b = static_cast<std::int64_t>(bins) - 1;
    return b;
}

// First index i of the ascending array with histogramBin(sorted[i]) >= bin
// (n when there is none). Counts: bin b holds boundary(b+1) - boundary(b);
// below = boundary(0); above = n - boundary(bins).
CABINET_KERNEL_FN std::uint64_t histogramBoundary(
    const float* sorted, std::uint64_t n, std::int64_t bin, double lo, double hi, std::uint32_t bins)
{
    std::uint64_t first = 0;
    std::uint64_t count = n;
    while (count > 0) {
        const std::uint64_t step = count / 2;
        const std::uint64_t mid = first + step;
        if (histogramBin(sorted[mid], lo, hi, bins) < bin) {
            first = mid + 1;
            count -= step + 1;
        } else {
            count = step;
        }
    }
    return first;
}

} // namespace cabinet::gpu
