#include "headless/JsonLog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstdio>

namespace cabinet::headless {

namespace {
const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "error";
    case QtFatalMsg: return "fatal";
    }
    return "info";
}

void writeJsonLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QJsonObject line {
        { QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
        { QStringLiteral("level"), QLatin1String(levelName(type)) },
        { QStringLiteral("category"), QLatin1String(context.category ? context.category : "default") },
        { QStringLiteral("message"), message },
    };
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}
} // namespace

void installJsonLogHandler()
{
    qInstallMessageHandler(writeJsonLine);
}

} // namespace cabinet::headless
