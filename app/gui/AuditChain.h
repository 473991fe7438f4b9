#pragma once

#include "gui/CoreConnection.h"
#include "gui/CoreLink.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The audit chain's health as the console's badge shows it: a mirror of the
// core's audit watch (core/audit/AuditWatch), which does the checking on
// the core's scheduler in the console and headless alike. Taken from an
// audit.watch_status call when the core is ready, then kept current by the
// watch's service.state events; verify() asks for a whole walk now
// (audit.verify). Copies of the state carry a revision, so an older one
// that arrives late (the status call racing the events) is dropped.
class AuditChain : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(Verdict verdict READ verdict NOTIFY resultChanged)
    Q_PROPERTY(qint64 entries READ entries NOTIFY resultChanged)
    Q_PROPERTY(qint64 brokenAt READ brokenAt NOTIFY resultChanged)
    Q_PROPERTY(QString reason READ reason NOTIFY resultChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QDateTime wholeCheckedAt READ wholeCheckedAt NOTIFY resultChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
public:
    enum Verdict { Unknown, Intact, Broken, Unreadable };
    Q_ENUM(Verdict)
    static constexpr char WatchService[] = "audit.watch";

    explicit AuditChain(QObject *parent = nullptr);

    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    // The verdict of the watch's last finished check.
    Verdict verdict() const { return m_verdict; }
    qint64 entries() const { return m_entries; }
    qint64 brokenAt() const { return m_brokenAt; }
    // Why the chain is broken, or why it could not be read.
    QString reason() const { return m_reason; }
    // A whole walk is under way (the watch's own, or one asked for here).
    bool busy() const { return m_walking || m_verifying; }
    // When the last walk of the whole trail ended, on the core's clock
    // (invalid before the first).
    QDateTime wholeCheckedAt() const { return m_wholeCheckedAt; }
    // The watch's state has been read once.
    bool loaded() const { return m_revision >= 0; }
    // Why the last call to the core failed (empty after one that worked).
    QString errorMessage() const { return m_errorMessage; }

    // Takes a copy of the watch's state (a service.state payload or the
    // audit.watch_status answer); an older revision than the one held is
    // dropped.
    void apply(const QJsonObject &state);

    // Walks the whole trail now (once the core is ready); ignored while one
    // asked for here is under way.
    Q_INVOKABLE void verify();

Q_SIGNALS:
    void connectionChanged();
    void resultChanged();
    void busyChanged();
    void loadedChanged();
    void errorMessageChanged();

private:
    void fetchStatus();
    void setVerifying(bool verifying);
    void setErrorMessage(const QString &message);

    CoreLink m_link;
    Verdict m_verdict = Unknown;
    qint64 m_entries = 0;
    qint64 m_brokenAt = 0;
    QString m_reason;
    QDateTime m_wholeCheckedAt;
    bool m_walking = false;
    bool m_verifying = false;
    qint64 m_revision = -1; // -1: nothing read yet
    QString m_errorMessage;
};

} // namespace cabinet::gui
