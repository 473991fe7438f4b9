#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The board's votes, a card per persona: vote, confidence, weight, and the
// utility and score behind it. Given the votes of the deliberation a
// what-if re-ran (`before`), each row also holds the vote and score it had
// there and whether the vote changed (BoardSession fills it).
class BoardVotesModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("BoardSession owns the votes.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int changedCount READ changedCount NOTIFY countChanged)
public:
    enum Role {
        PersonaRole = Qt::UserRole + 1,
        WeightRole,
        VoteRole, // approve, reject, abstain
        ConfidenceRole,
        UtilityRole,
        ScoreRole,
        BeforeVoteRole,  // '' without `before`
        BeforeScoreRole,
        ChangedRole,
    };
    Q_ENUM(Role)
    explicit BoardVotesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    int changedCount() const;

    // Votes as deliberationSide() gives them ({persona, weight, vote,
    // confidence, utility, score}); `before` the same of the original.
    void setVotes(const QJsonArray &votes, const QJsonArray &before = {});

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        QJsonObject vote;
        QJsonObject before; // empty: none
    };
    QList<Row> m_rows;
};

} // namespace cabinet::gui
