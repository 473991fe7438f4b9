#include "gui/BoardVotesModel.h"

namespace cabinet::gui {

BoardVotesModel::BoardVotesModel(QObject *parent) : QAbstractListModel(parent) { }

int BoardVotesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant BoardVotesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PersonaRole:
        return row.vote.value(QStringLiteral("persona")).toString();
    case WeightRole:
        return row.vote.value(QStringLiteral("weight")).toDouble();
    case VoteRole:
        return row.vote.value(QStringLiteral("vote")).toString();
    case ConfidenceRole:
        return row.vote.value(QStringLiteral("confidence")).toDouble();
    case UtilityRole:
        return row.vote.value(QStringLiteral("utility")).toDouble();
    case ScoreRole:
        return row.vote.value(QStringLiteral("score")).toDouble();
    case BeforeVoteRole:
        return row.before.value(QStringLiteral("vote")).toString();
    case BeforeScoreRole:
        return row.before.value(QStringLiteral("score")).toDouble();
    case ChangedRole:
        return !row.before.isEmpty() && row.before.value(QStringLiteral("vote")) != row.vote.value(QStringLiteral("vote"));
    default:
        return {};
    }
}

QHash<int, QByteArray> BoardVotesModel::roleNames() const
{
    return { { PersonaRole, "persona" },       { WeightRole, "weight" }, { VoteRole, "vote" },
             { ConfidenceRole, "confidence" }, { UtilityRole, "utility" }, { ScoreRole, "score" },
             { BeforeVoteRole, "beforeVote" }, { BeforeScoreRole, "beforeScore" }, { ChangedRole, "changed" } };
}

int BoardVotesModel::changedCount() const
{
    int changed = 0;
    for (const Row &row : m_rows)
        changed += !row.before.isEmpty() && row.before.value(QStringLiteral("vote")) != row.vote.value(QStringLiteral("vote"));
    return changed;
}

void BoardVotesModel::setVotes(const QJsonArray &votes, const QJsonArray &before)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonValue &v : votes) {
        Row row { v.toObject(), {} };
        for (const QJsonValue &b : before)
            if (b.toObject().value(QStringLiteral("persona")) == row.vote.value(QStringLiteral("persona")))
                row.before = b.toObject();
        m_rows.append(row);
    }
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace cabinet::gui
