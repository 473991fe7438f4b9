#pragma once

#include "gui/BoardStatementsModel.h"
#include "gui/BoardVotesModel.h"
#include "gui/CoreLink.h"

#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The Shadow Board panel's selected deliberation, through the core's
// operations only: board.get for a saved one, board.statement events for
// statements as they stream, board.whatif for a re-run with changed
// assumptions, which then becomes the selected one. `current` and each side
// of `comparison` have the shape of board::deliberationSide()
// (core/board/WhatIf.h): summary, consensus, votes, net and cost
// P5/P50/P95, initial capital, budget, histogram. A selected what-if is
// shown against its original (read with board.get too: nothing re-runs),
// and its votes carry the original's as "before". With `follow` set, a
// deliberation that starts streaming becomes the selected one.
class BoardSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(qint64 deliberationId READ deliberationId WRITE setDeliberationId NOTIFY deliberationIdChanged) // 0: none
    Q_PROPERTY(bool follow MEMBER m_follow NOTIFY followChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY currentChanged)
    Q_PROPERTY(QVariantMap current READ current NOTIFY currentChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorChanged)
    Q_PROPERTY(cabinet::gui::BoardStatementsModel *statements READ statements CONSTANT)
    Q_PROPERTY(cabinet::gui::BoardVotesModel *votes READ votes CONSTANT)
    // The what-if.
    Q_PROPERTY(bool whatIfRunning READ whatIfRunning NOTIFY whatIfChanged)
    Q_PROPERTY(bool hasWhatIf READ hasWhatIf NOTIFY whatIfChanged)
    // Empty unless the selected deliberation is a what-if: board.whatif's answer.
    Q_PROPERTY(QVariantMap comparison READ comparison NOTIFY whatIfChanged)
    Q_PROPERTY(QString whatIfError READ whatIfError NOTIFY whatIfChanged)
    Q_PROPERTY(QString whatIfErrorField READ whatIfErrorField NOTIFY whatIfChanged) // "set.success_rate"
public:
    explicit BoardSession(QObject *parent = nullptr);
    ~BoardSession() override;

    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    qint64 deliberationId() const { return m_id; }
    void setDeliberationId(qint64 id);
    bool loaded() const { return !m_current.isEmpty(); }
    QVariantMap current() const { return m_current; }
    QString errorMessage() const { return m_errorMessage; }
    BoardStatementsModel *statements() { return &m_statements; }
    BoardVotesModel *votes() { return &m_votes; }
    bool whatIfRunning() const { return m_whatIfRunning; }
    bool hasWhatIf() const { return !m_comparison.isEmpty(); }
    QVariantMap comparison() const { return m_comparison; }
    QString whatIfError() const { return m_whatIfError; }
    QString whatIfErrorField() const { return m_whatIfErrorField; }

    // Re-runs the selected deliberation with `set` (board.whatif's keys to
    // numbers) on its seed, and selects the what-if once it is saved.
    Q_INVOKABLE void runWhatIf(const QVariantMap &set);

Q_SIGNALS:
    void connectionChanged();
    void deliberationIdChanged();
    void followChanged();
    void currentChanged();
    void errorChanged();
    void whatIfChanged();

private:
    void load();
    void show(const QJsonObject &deliberation, const QJsonObject &original);
    void onStatement(const cabinet::Event &event);
    void setError(const QString &message);

    CoreLink m_link;
    qint64 m_id = 0;
    bool m_follow = true;
    quint64 m_generation = 0; // answers for another selection are dropped
    QVariantMap m_current;
    QString m_errorMessage;
    BoardStatementsModel m_statements;
    BoardVotesModel m_votes;
    bool m_whatIfRunning = false;
    QVariantMap m_comparison;
    QString m_whatIfError;
    QString m_whatIfErrorField;
};

} // namespace cabinet::gui
