#pragma once

#include <QString>
#include <QStringView>

#include <random>

namespace cabinet::orchestrator {

// ULIDs (https://github.com/ulid/spec): 48 bits of milliseconds since the
// epoch, then 80 random bits, written as 26 characters of Crockford's base
// 32, so ids sort by the time they were made. Task ids are ULIDs
// (docs/orchestrator.md).
class Ulid {
public:
    static constexpr int TextLength = 26;
    // The largest time a ULID holds: 2^48 - 1 ms (the year 10889).
    static constexpr qint64 TimeMsMax = (qint64(1) << 48) - 1;

    // Whether `text` is a ULID in canonical form (upper case, 26 characters,
    // first character 0..7).
    static bool isValid(QStringView text);
    // The milliseconds a valid ULID carries.
    static qint64 timeMs(QStringView text);

    // Makes ULIDs that only grow, from the times it is given: within one
    // millisecond (or when the clock steps back) the random part of the
    // last id grows by a random step instead of being drawn again (the
    // spec's monotonic mode, with a step that keeps two generators started
    // from one stored id apart), so ids made one after another always sort
    // in that order.
    // Not thread-safe: one generator per thread that makes ids.
    class Generator {
    public:
        explicit Generator(quint64 seed);
        // An id made at `nowMs`, greater than every id made before and
        // than `floor` (seeded from the store, so a restart with a clock
        // that went back still sorts after what is stored).
        QString next(qint64 nowMs);
        void raiseFloor(QStringView id);

    private:
        std::mt19937_64 m_random;
        qint64 m_lastMs = -1;
        quint64 m_randomHigh = 0; // the top 16 of the 80 random bits
        quint64 m_randomLow = 0;  // the low 64
    };
};

} // namespace cabinet::orchestrator
