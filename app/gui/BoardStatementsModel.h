#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// One deliberation's transcript, round by round (BoardSession fills it:
// board.get for a saved one, board.statement events as they stream). A
// statement comes once: one per persona and round.
class BoardStatementsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("BoardSession owns the transcript.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        RoundRole = Qt::UserRole + 1, // 1 position, 2 answer to the dissent, 3 vote
        PersonaRole,
        SourceRole, // "composed": the numbers put into words, never a model's
        TextRole,
        VoteRole,
        ConfidenceRole,
        UtilityRole,
        ScoreRole,
    };
    Q_ENUM(Role)
    explicit BoardStatementsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    // All of them in place of what was there.
    void setStatements(const QJsonArray &statements);
    // One more, in its round's place; false when it is already here.
    bool add(const QJsonObject &statement);

Q_SIGNALS:
    void countChanged();

private:
    QList<QJsonObject> m_rows;
};

} // namespace cabinet::gui
