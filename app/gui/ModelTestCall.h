#pragma once

#include "gui/CoreLink.h"

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The Models panel's test call: one models.test through the router,
// streamed, its tokens shown as they arrive. The call is tagged; the
// llm.test_started event with that tag names the router's call, whose
// llm.token events are appended to `text` until the answer comes. The call
// is audited under the person at the console (it may spend); a refusal or a
// failed call shows as `error` in the core's words.
class ModelTestCall : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(bool running READ running NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString error READ error NOTIFY changed)
    Q_PROPERTY(QString served READ served NOTIFY changed)
    Q_PROPERTY(bool simulated READ simulated NOTIFY changed)
    Q_PROPERTY(double call READ call NOTIFY changed)
public:
    // What the panel keeps of a reply; the rest is dropped (a test, not a
    // workload).
    static constexpr qsizetype TextCharsMax = 256 * 1024;

    explicit ModelTestCall(QObject *parent = nullptr);

    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    bool running() const { return !m_tag.isEmpty(); }
    QString text() const { return m_text; }
    QString error() const { return m_error; }
    QString served() const { return m_served; }
    bool simulated() const { return m_simulated; }
    double call() const { return double(m_call); }

    // Calls `alias` (empty: routed as task type "default") with `prompt`
    // (empty: the operation's own), streamed. Ignored while one runs.
    Q_INVOKABLE void start(const QString &alias, const QString &prompt);

Q_SIGNALS:
    void connectionChanged();
    void changed();
    void textChanged();
    void finished();

private:
    void onEvent(const cabinet::Event &event);
    void append(const QString &token);

    CoreLink m_link;
    QString m_tag;   // the running call's tag; empty when none runs
    quint64 m_call = 0;
    QString m_text, m_error, m_served;
    bool m_simulated = false;
};

} // namespace cabinet::gui
