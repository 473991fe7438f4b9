#pragma once

// Helpers shared by the tests: a fresh data directory and a Cabinet opened on
// it with a manual clock.
#include "Cabinet.h"
#include "TestActor.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace cabinet::test {

struct TestCabinet {
    QTemporaryDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    std::unique_ptr<Cabinet> cabinet;

    // Opens (or reopens) the Cabinet on dir; fails the test on error.
    bool open()
    {
        cabinet.reset();
        Cabinet::Options options;
        options.dataDir = dir.path();
        options.clock = clock;
        auto opened = Cabinet::open(options);
        if (!opened) {
            qWarning("cannot open cabinet: %s", qPrintable(opened.error().message));
            return false;
        }
        cabinet = std::move(*opened);
        return true;
    }
    Cabinet *operator->() const { return cabinet.get(); }
};

} // namespace cabinet::test
