#include "gui/BoardStatementsModel.h"

namespace cabinet::gui {

namespace {

int roundOf(const QJsonObject &s) { return s.value(QStringLiteral("round")).toInt(); }
QString personaOf(const QJsonObject &s) { return s.value(QStringLiteral("persona")).toString(); }

} // namespace

BoardStatementsModel::BoardStatementsModel(QObject *parent) : QAbstractListModel(parent) { }

int BoardStatementsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant BoardStatementsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &s = m_rows.at(index.row());
    switch (role) {
    case RoundRole:
        return roundOf(s);
    case PersonaRole:
        return personaOf(s);
    case SourceRole:
        return s.value(QStringLiteral("source")).toString();
    case Qt::DisplayRole:
    case TextRole:
        return s.value(QStringLiteral("text")).toString();
    case VoteRole:
        return s.value(QStringLiteral("vote")).toString();
    case ConfidenceRole:
        return s.value(QStringLiteral("confidence")).toDouble();
    case UtilityRole:
        return s.value(QStringLiteral("utility")).toDouble();
    case ScoreRole:
        return s.value(QStringLiteral("score")).toDouble();
    default:
        return {};
    }
}

QHash<int, QByteArray> BoardStatementsModel::roleNames() const
{
    return { { RoundRole, "round" }, { PersonaRole, "persona" },       { SourceRole, "source" },   { TextRole, "text" },
             { VoteRole, "vote" },   { ConfidenceRole, "confidence" }, { UtilityRole, "utility" }, { ScoreRole, "score" } };
}

void BoardStatementsModel::setStatements(const QJsonArray &statements)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonValue &s : statements)
        m_rows.append(s.toObject());
    endResetModel();
    Q_EMIT countChanged();
}

bool BoardStatementsModel::add(const QJsonObject &statement)
{
    const int round = roundOf(statement);
    const QString persona = personaOf(statement);
    qsizetype at = m_rows.size();
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (roundOf(m_rows[i]) == round && personaOf(m_rows[i]) == persona)
            return false;
        if (roundOf(m_rows[i]) > round && at == m_rows.size())
            at = i;
    }
    beginInsertRows({}, int(at), int(at));
    m_rows.insert(at, statement);
    endInsertRows();
    Q_EMIT countChanged();
    return true;
}

} // namespace cabinet::gui
