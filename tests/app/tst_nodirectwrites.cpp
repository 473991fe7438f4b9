// No file in app/ (the console, the CLI, headless mode) writes through a
// service directly: writes go through the operations catalogue
// (cabinet.api(), callOperation in app/cli/OperationCall.cpp,
// CoreConnection::call), which checks, audits under the caller's Actor and
// answers the same for every face. Reads through services are fine.
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {

struct Pattern {
    const char *what;
    QRegularExpression expression;
};

// The service calls that change state. A call is what follows `.` or `->`
// (a CLI function may itself be named createAccounts).
const QList<Pattern> &writePatterns()
{
    static const QList<Pattern> patterns {
        { "a ledger write", QRegularExpression(QStringLiteral(R"((\.|->)\s*(createAccounts|createTransfers|expirePending)\s*\()")) },
        { "a configuration write", QRegularExpression(QStringLiteral(R"(config\(\)\s*\.\s*set\s*\()")) },
        { "an audit entry written directly", QRegularExpression(QStringLiteral(R"(audit\(\)\s*\.\s*(record|append)\s*\()")) },
        { "an event written directly", QRegularExpression(QStringLiteral(R"(events\(\)\s*\.\s*append\s*\()")) },
        { "a transaction on the database",
          QRegularExpression(QStringLiteral(R"((database\(\)|\bdb\b|\bm_db\b|\bdatabase\b)\s*(\.|->)\s*begin\s*\()")) },
    };
    return patterns;
}

// "file:line: what: the line" for each write in `text`. Line comments are
// left out (prose may name a call); code in strings is not expected here.
QStringList writesIn(const QString &file, const QString &text)
{
    QStringList found;
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString code = lines[i];
        if (const qsizetype comment = code.indexOf(QStringLiteral("//")); comment >= 0)
            code.truncate(comment);
        for (const Pattern &pattern : writePatterns()) {
            if (pattern.expression.match(code).hasMatch())
                found << QStringLiteral("%1:%2: %3: %4").arg(file).arg(i + 1).arg(QLatin1StringView(pattern.what), lines[i].trimmed());
        }
    }
    return found;
}

} // namespace

class TestNoDirectWrites : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The scan finds what it looks for, so a clean result means something.
    void patternsFindEachWrite()
    {
        const QString sample = QStringLiteral(
                "cabinet.service<ledger::Ledger>().createAccounts(accounts, actor);\n"
                "ledger->createTransfers(batch, actor);\n"
                "m_ledger.expirePending(actor);\n"
                "cabinet->config().set(key, value, actor, db, audit, events);\n"
                "cabinet.audit().record(actor, action, subject);\n"
                "cabinet.audit().append(tx, actor, action, subject);\n"
                "cabinet.events().append(tx, type, payload);\n"
                "auto tx = cabinet.database().begin();\n"
                "auto tx = m_db->begin();\n");
        const QStringList found = writesIn(QStringLiteral("sample.cpp"), sample);
        QCOMPARE(found.size(), 9);
        QVERIFY2(found.first().startsWith(QStringLiteral("sample.cpp:1: a ledger write: ")), qPrintable(found.first()));
        QVERIFY2(found.last().startsWith(QStringLiteral("sample.cpp:9: a transaction on the database: ")), qPrintable(found.last()));
    }

    void readsAndNamesAreNotWrites()
    {
        const QString sample = QStringLiteral(
                "int createAccounts(Context &context, QCommandLineParser &parser)\n"
                "return createAccounts(context, parser);\n"
                "cabinet.service<ledger::Ledger>().lookupAccounts(ids);\n"
                "cabinet.audit().tail(10);\n"
                "cabinet.config().value(key);\n"
                "std::sort(rows.begin(), rows.end());\n"
                "// never cabinet.audit().record( from here\n");
        QCOMPARE(writesIn(QStringLiteral("sample.cpp"), sample), QStringList());
    }

    void appWritesOnlyThroughOperations()
    {
        const QString root = QStringLiteral(CABINET_SOURCE_DIR "/app");
        QStringList found;
        int scanned = 0;
        QDirIterator files(root, { QStringLiteral("*.cpp"), QStringLiteral("*.h") }, QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
            found << writesIn(QDir(QStringLiteral(CABINET_SOURCE_DIR)).relativeFilePath(path), QString::fromUtf8(file.readAll()));
            ++scanned;
        }
        QVERIFY2(scanned > 10, qPrintable(QStringLiteral("only %1 files under %2").arg(scanned).arg(root)));
        QVERIFY2(found.isEmpty(),
                 qPrintable(QStringLiteral("writes through a service in app/ (use an operation: cabinet.api(), callOperation, "
                                           "CoreConnection::call):\n")
                            + found.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestNoDirectWrites)
#include "tst_nodirectwrites.moc"
