#pragma once

#include "audit/AuditLog.h"
#include "gui/CoreConnection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace cabinet::gui {

// The audit chain's health, checked on the core thread. A moment after new
// entries arrive (a burst costs one check) only what was appended since the
// last sound entry is verified (AuditLog::verifyAfter), so that check costs
// what is new, not the trail's length. The whole trail is walked when the
// core is ready, on demand, and again every wholeIntervalMs or ten times as
// long as the last whole walk took, whichever is longer: a change to an old
// entry is found within that time, and whole walks never take more than a
// tenth of the core thread's time. While the trail is broken or unreadable
// only whole walks check it.
class AuditChain : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(Verdict verdict READ verdict NOTIFY resultChanged)
    Q_PROPERTY(qint64 entries READ entries NOTIFY resultChanged)
    Q_PROPERTY(qint64 brokenAt READ brokenAt NOTIFY resultChanged)
    Q_PROPERTY(QString reason READ reason NOTIFY resultChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(int debounceMs READ debounceMs WRITE setDebounceMs NOTIFY debounceMsChanged)
    Q_PROPERTY(int wholeIntervalMs READ wholeIntervalMs WRITE setWholeIntervalMs NOTIFY wholeIntervalMsChanged)
    Q_PROPERTY(QDateTime wholeCheckedAt READ wholeCheckedAt NOTIFY resultChanged)
public:
    enum Verdict { Unknown, Intact, Broken, Unreadable };
    Q_ENUM(Verdict)
    static constexpr int DefaultDebounceMs = 2000;
    static constexpr int DefaultWholeIntervalMs = 60'000;
    static constexpr int CoreShareDivisor = 10; // at most 1/10 of the core's time

    explicit AuditChain(QObject *parent = nullptr);

    CoreConnection *connection() const { return m_connection; }
    void setConnection(CoreConnection *connection);
    Verdict verdict() const { return m_verdict; }
    qint64 entries() const { return m_entries; }
    qint64 brokenAt() const { return m_brokenAt; }
    // Why the chain is broken, or why it could not be read.
    QString reason() const { return m_reason; }
    bool busy() const { return m_busy; }
    // The shortest wait between new entries and their verification.
    int debounceMs() const { return m_debounceMs; }
    void setDebounceMs(int ms);
    // The shortest wait between two walks of the whole trail.
    int wholeIntervalMs() const { return m_wholeIntervalMs; }
    void setWholeIntervalMs(int ms);
    // When the last walk of the whole trail ended (invalid before the first).
    QDateTime wholeCheckedAt() const { return m_wholeCheckedAt; }

    // Verifies the whole trail now (once the core is ready); a request made
    // while a check runs is served when it ends.
    Q_INVOKABLE void verify();

Q_SIGNALS:
    void connectionChanged();
    void resultChanged();
    void busyChanged();
    void debounceMsChanged();
    void wholeIntervalMsChanged();

private:
    enum class Scope { Whole, New };
    void check(Scope scope);
    void onEvent(const cabinet::Event &event);
    void setBusy(bool busy);

    QPointer<CoreConnection> m_connection;
    QTimer m_debounce;
    QTimer m_wholeTimer;
    int m_debounceMs = DefaultDebounceMs;
    int m_wholeIntervalMs = DefaultWholeIntervalMs;
    QElapsedTimer m_running;
    qint64 m_lastNewCheckMs = 0; // how long the last check of new entries took
    QDateTime m_wholeCheckedAt;
    Verdict m_verdict = Unknown;
    qint64 m_entries = 0;
    qint64 m_brokenAt = 0;
    QString m_reason;
    AuditLog::Checkpoint m_checkpoint; // the newest entry found sound
    bool m_busy = false;
    std::optional<Scope> m_again; // asked for while a check ran
};

} // namespace cabinet::gui
