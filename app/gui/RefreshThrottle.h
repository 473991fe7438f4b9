#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace cabinet::gui {

// Turns a burst of "something changed" into at most one refresh per
// interval, and never two at once: the ledger can commit thousands of
// batches a second, and a view-model that asked the core once per event
// would queue more work on the core thread than the ledger does itself.
//
// schedule() says a refresh is wanted. When none ran for an interval it
// runs at once; otherwise it runs an interval after the previous one
// answered. The refresh function returns whether it asked the core for
// anything; when it did, it must call finished() once the answer is back.
class RefreshThrottle : public QObject {
public:
    static constexpr int DefaultIntervalMs = 250;

    explicit RefreshThrottle(std::function<bool()> refresh, QObject *parent = nullptr);

    void setInterval(int ms) { m_intervalMs = ms; }
    void schedule();
    void finished();

private:
    void fire();
    void startTimer();

    std::function<bool()> m_refresh;
    QTimer m_timer;
    QElapsedTimer m_sinceAnswer; // invalid until the first answer
    int m_intervalMs = DefaultIntervalMs;
    bool m_wanted = false;
    bool m_inFlight = false;
};

} // namespace cabinet::gui
