#pragma once

// Wall-clock nanoseconds per stage of a pilot day, for its performance
// figures (never for its report, which must not depend on the machine).
#include <QElapsedTimer>
#include <QString>

#include <map>
#include <type_traits>

namespace cabinet::pilot {

struct StageClock {
    std::map<QString, qint64> ns;

    template <typename F> auto time(const QString &stage, F f)
    {
        QElapsedTimer timer;
        timer.start();
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            ns[stage] += timer.nsecsElapsed();
        } else {
            auto result = f();
            ns[stage] += timer.nsecsElapsed();
            return result;
        }
    }
};

} // namespace cabinet::pilot
