// Agents (docs/agents.md): the shipped thirteen load clean; each kind of
// malformed file is reported with its path, line and code while the others
// load; the data directory adds and overrides; Hawk may not be served by the
// model Rex builds with (directly, through an alias, through a fallback
// chain); a reload keeps a bad file's previous version; the limits; and the
// agents.* operations (the reload audited, with its event).
#include "Assert.h"
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "llm/RouterSettings.h"
#include "orchestrator/AgentFile.h"
#include "orchestrator/AgentRegistry.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace cabinet;
using namespace cabinet::orchestrator;

namespace {

const QStringList Shipped = { QStringLiteral("ceo"),   QStringLiteral("cfo"),  QStringLiteral("chro"), QStringLiteral("clo"),
                              QStringLiteral("cmo"),   QStringLiteral("coo"),  QStringLiteral("cso"),  QStringLiteral("cto"),
                              QStringLiteral("forge"), QStringLiteral("hawk"), QStringLiteral("kev"),  QStringLiteral("rex"),
                              QStringLiteral("scout") };

// A well-formed agent file, with its keys one a line from line 2.
QByteArray agentText(const QString &name, const QString &model = QStringLiteral("cloud/mid"), const QString &extra = {})
{
    return QStringLiteral("---\nname: %1\nrole: tester\nmodel: %2\ntemperature: 0.4\nbudget:\n  daily_usd: \"2.00\"\n  per_call_usd: 0.25\n%3---\n"
                          "You test things carefully.\n")
            .arg(name, model, extra)
            .toUtf8();
}

void write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

struct Fixture {
    QTemporaryDir dir;
    llm::RouterSettings settings = llm::RouterSettings::defaults();
    AgentRegistry registry;
    QString agents() const { return dir.filePath(QStringLiteral("agents")); }
    QString file(const QString &name) const { return agents() + u'/' + name; }
    std::vector<AgentProblem> load() { return registry.load(AgentRegistry::ShippedDir, agents(), settings); }
};

QByteArray call(Cabinet &cabinet, const char *name, const QByteArray &params, std::optional<ErrorCode> *error = nullptr)
{
    std::optional<Result<QByteArray>> answer;
    cabinet.api().call(QString::fromLatin1(name), Actor::person(QStringLiteral("alice")), params, [&](Result<QByteArray> r) { answer = std::move(r); });
    CABINET_ASSERT(answer.has_value());
    if (error)
        *error = answer->ok() ? std::nullopt : std::optional<ErrorCode>(answer->error().code);
    return answer->ok() ? answer->value() : QByteArray();
}

// The shipped names and `extra`, sorted as names() returns them.
QStringList shippedAnd(const QStringList &extra)
{
    QStringList names = Shipped + extra;
    names.sort();
    return names;
}

qint64 auditCount(Cabinet &cabinet)
{
    auto tail = cabinet.audit().tail(1);
    CABINET_ASSERT(tail);
    return tail->isEmpty() ? 0 : tail->last().seq;
}

} // namespace

class TestAgentRegistry : public QObject {
    Q_OBJECT

private slots:
    void shippedLoadWithoutProblems()
    {
        Fixture f;
        const auto problems = f.load();
        for (const AgentProblem &p : problems)
            qWarning("%s:%d: %s", qPrintable(p.path), p.line, qPrintable(p.message));
        QVERIFY(problems.empty());
        QCOMPARE(f.registry.names(), Shipped);
        for (const AgentDefinition &agent : f.registry.all()) {
            QVERIFY2(agent.shipped, qPrintable(agent.name));
            QVERIFY2(agent.systemPrompt.size() > 400, qPrintable(agent.name)); // a prompt, not a placeholder
            QVERIFY2(agent.systemPrompt.contains(QLatin1String("Answer")), qPrintable(agent.name)); // each states its output form
            QVERIFY(llm::StandardAliases.contains(agent.model));
            QVERIFY(agent.fallbackModel.isEmpty() || llm::StandardAliases.contains(agent.fallbackModel));
            QVERIFY(agent.dailyBudgetMicroUsd > 0 && agent.perCallBudgetMicroUsd > 0);
            QVERIFY(agent.perCallBudgetMicroUsd <= agent.dailyBudgetMicroUsd);
        }
        for (const char *board : { "ceo", "cfo", "cmo", "cto", "coo", "chro", "clo", "cso" }) {
            const AgentDefinition *agent = f.registry.find(QLatin1String(board));
            QVERIFY(agent);
            QCOMPARE(agent->role, QStringLiteral("board"));
            QVERIFY(agent->systemPrompt.contains(QLatin1String("\"vote\": \"approve|reject|abstain\"")));
            QVERIFY2(agent->board && agent->board->voteWeight > 0 && !agent->board->domain.isEmpty(), board);
        }
        const AgentDefinition *cfo = f.registry.find(QStringLiteral("cfo"));
        QCOMPARE(cfo->board->domain, QStringLiteral("finance"));
        QCOMPARE(cfo->board->voteWeight, 1.25);
        QCOMPARE(cfo->board->utility.kind, board::UtilityKind::Downside);
        QCOMPARE(cfo->board->utility.weightP5, 0.5);
        QCOMPARE(f.registry.find(QStringLiteral("clo"))->board->utility.tolerance, 0.05);
        QVERIFY(!f.registry.find(QStringLiteral("hawk"))->board); // only the board's personas hold a seat
        QVERIFY(f.registry.find(QStringLiteral("hawk"))->systemPrompt.contains(QLatin1String("\"verdict\": \"pass|fail\"")));
        const AgentDefinition *rex = f.registry.find(QStringLiteral("rex"));
        QCOMPARE(rex->role, QStringLiteral("builder"));
        QCOMPARE(rex->dailyBudgetMicroUsd, 10'000'000);
        QCOMPARE(rex->perCallBudgetMicroUsd, 1'000'000);
        QCOMPARE(rex->path, QStringLiteral(":/agents/rex.md"));
        QVERIFY(!f.registry.find(QStringLiteral("nobody")));
    }

    void microUsdExact_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("micro"); // -1: refused
        QTest::newRow("whole") << "1" << qint64(1'000'000);
        QTest::newRow("cents") << "2.50" << qint64(2'500'000);
        QTest::newRow("a micro") << "0.000001" << qint64(1);
        QTest::newRow("no float error") << "0.29" << qint64(290'000);
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("spaces") << " 3.1 " << qint64(3'100'000);
        QTest::newRow("the limit") << "100000" << qint64(100'000'000'000);
        QTest::newRow("past the limit") << "100000.000001" << qint64(-1);
        QTest::newRow("seven places") << "1.0000001" << qint64(-1);
        QTest::newRow("negative") << "-1" << qint64(-1);
        QTest::newRow("exponent") << "1e3" << qint64(-1);
        QTest::newRow("dollar sign") << "$5" << qint64(-1);
        QTest::newRow("bare point") << "5." << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
    }
    void microUsdExact()
    {
        QFETCH(QString, text);
        QFETCH(qint64, micro);
        const auto parsed = parseMicroUsd(text);
        QCOMPARE(parsed.has_value(), micro >= 0);
        if (parsed) {
            QCOMPARE(*parsed, micro);
            QCOMPARE(parseMicroUsd(formatMicroUsd(*parsed)), parsed);
        }
        QCOMPARE(formatMicroUsd(5'000'000), QStringLiteral("5.00"));
        QCOMPARE(formatMicroUsd(1), QStringLiteral("0.000001"));
        QCOMPARE(formatMicroUsd(1'250'000), QStringLiteral("1.25"));
    }

    void malformedFile_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<ErrorCode>("code");
        const QByteArray good = agentText(QStringLiteral("tester"));
        auto with = [&](const char *from, const char *to) { return QByteArray(good).replace(from, to); };
        QTest::newRow("no front matter") << QByteArray("name: tester\nYou test.\n") << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("empty file") << QByteArray() << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("no closing line") << with("---\nYou test", "You test") << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("empty front matter") << QByteArray("---\n---\nYou test.\n") << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("bad YAML") << with("role: tester\n", "role: tester\nskills: [a, b\n") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("bad YAML indentation") << with("model: cloud/mid\n", "model: cloud/mid\n   extra: 1\n") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("not a mapping") << QByteArray("---\n- a\n- b\n---\nYou test.\n") << 2 << ErrorCode::InvalidArgument;
        QTest::newRow("missing name") << with("name: tester\n", "") << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("missing model") << with("model: cloud/mid\n", "") << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("missing budget") << with("budget:\n  daily_usd: \"2.00\"\n  per_call_usd: 0.25\n", "") << 1 << ErrorCode::InvalidArgument;
        QTest::newRow("unknown key") << with("temperature: 0.4\n", "temperature: 0.4\ncolour: red\n") << 6 << ErrorCode::InvalidArgument;
        QTest::newRow("key twice") << with("temperature: 0.4\n", "temperature: 0.4\nrole: again\n") << 6 << ErrorCode::InvalidArgument;
        QTest::newRow("name not a word") << with("name: tester", "name: Test Er") << 2 << ErrorCode::InvalidArgument;
        QTest::newRow("name a list") << with("name: tester", "name: [a]") << 2 << ErrorCode::InvalidArgument;
        QTest::newRow("unknown model") << with("model: cloud/mid", "model: cloud/giant") << 4 << ErrorCode::InvalidArgument;
        QTest::newRow("unknown provider") << with("model: cloud/mid", "model: nobody/gpt") << 4 << ErrorCode::InvalidArgument;
        QTest::newRow("fallback is the model") << with("temperature", "fallback_model: cloud/mid\ntemperature") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("temperature too high") << with("temperature: 0.4", "temperature: 2.5") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("temperature negative") << with("temperature: 0.4", "temperature: -0.1") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("temperature a word") << with("temperature: 0.4", "temperature: warm") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("temperature nan") << with("temperature: 0.4", "temperature: nan") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("budget too precise") << with("daily_usd: \"2.00\"", "daily_usd: 2.0000001") << 7 << ErrorCode::InvalidArgument;
        QTest::newRow("budget negative") << with("per_call_usd: 0.25", "per_call_usd: -0.25") << 8 << ErrorCode::InvalidArgument;
        QTest::newRow("budget over the limit") << with("daily_usd: \"2.00\"", "daily_usd: 1000000") << 7 << ErrorCode::InvalidArgument;
        QTest::newRow("per call over daily") << with("per_call_usd: 0.25", "per_call_usd: 2.01") << 7 << ErrorCode::InvalidArgument;
        QTest::newRow("budget key unknown") << with("per_call_usd: 0.25", "per_call_usd: 0.25\n  monthly_usd: 9") << 9 << ErrorCode::InvalidArgument;
        QTest::newRow("budget half") << with("  per_call_usd: 0.25\n", "") << 7 << ErrorCode::InvalidArgument;
        QTest::newRow("budget a number") << with("budget:\n  daily_usd: \"2.00\"\n  per_call_usd: 0.25\n", "budget: 5\n") << 6 << ErrorCode::InvalidArgument;
        QTest::newRow("skills not a list") << with("temperature", "skills: testing\ntemperature") << 5 << ErrorCode::InvalidArgument;
        QTest::newRow("skill twice") << with("temperature", "skills:\n  - a\n  - a\ntemperature") << 7 << ErrorCode::InvalidArgument;
        QStringList many;
        for (int i = 0; i <= AgentSkillsMax; ++i)
            many << QStringLiteral("s%1").arg(i);
        QTest::newRow("too many skills") << with("temperature", QStringLiteral("skills: [%1]\ntemperature").arg(many.join(u',')).toUtf8().constData())
                                         << 5 << ErrorCode::InvalidArgument;
        // The body starts on line 10, after the closing line.
        QTest::newRow("empty body") << with("You test things carefully.\n", "\n  \n") << 10 << ErrorCode::InvalidArgument;
        QTest::newRow("body too large") << with("You test things carefully.", QByteArray(AgentBodyCharsMax + 1, 'x').constData()) << 10
                                        << ErrorCode::InvalidArgument;
        QTest::newRow("file too large") << with("You test things carefully.", QByteArray(AgentFileBytesMax, 'x').constData()) << 0
                                        << ErrorCode::InvalidArgument;
        // The board seat (docs/board.md) starts on line 9: board:, domain,
        // vote_weight, utility:, kind on line 13, its parameter on 14.
        const QByteArray seat = "board:\n  domain: finance\n  vote_weight: 1.5\n  utility:\n    kind: downside\n    weight_p5: 0.5\n---\n";
        auto seated = [&](const char *from, const char *to) { return with("---\nYou test", QByteArray(QByteArray(seat).replace(from, to) + "You test").constData()); };
        QTest::newRow("board not a mapping") << with("---\nYou test", "board: yes\n---\nYou test") << 9 << ErrorCode::InvalidArgument;
        QTest::newRow("board key unknown") << seated("  domain", "  colour: red\n  domain") << 10 << ErrorCode::InvalidArgument;
        QTest::newRow("board without utility") << seated("  utility:\n    kind: downside\n    weight_p5: 0.5\n", "") << 10 << ErrorCode::InvalidArgument;
        QTest::newRow("board domain not a word") << seated("domain: finance", "domain: Fin Ance") << 10 << ErrorCode::InvalidArgument;
        QTest::newRow("board weight zero") << seated("vote_weight: 1.5", "vote_weight: 0") << 11 << ErrorCode::InvalidArgument;
        QTest::newRow("board weight over the limit") << seated("vote_weight: 1.5", "vote_weight: 11") << 11 << ErrorCode::InvalidArgument;
        QTest::newRow("board weight a word") << seated("vote_weight: 1.5", "vote_weight: heavy") << 11 << ErrorCode::InvalidArgument;
        QTest::newRow("utility kind unknown") << seated("kind: downside", "kind: vibes") << 13 << ErrorCode::InvalidArgument;
        QTest::newRow("utility without kind") << seated("    kind: downside\n", "") << 12 << ErrorCode::InvalidArgument;
        QTest::newRow("utility parameter missing") << seated("    weight_p5: 0.5\n", "") << 12 << ErrorCode::InvalidArgument;
        QTest::newRow("utility parameter out of range") << seated("weight_p5: 0.5", "weight_p5: 1.5") << 14 << ErrorCode::InvalidArgument;
        QTest::newRow("utility parameter not a number") << seated("weight_p5: 0.5", "weight_p5: half") << 14 << ErrorCode::InvalidArgument;
        QTest::newRow("utility parameter foreign") << seated("weight_p5: 0.5", "weight_p5: 0.5\n    tolerance: 0.1") << 15 << ErrorCode::InvalidArgument;
        QTest::newRow("utility tolerance zero") << seated("kind: downside\n    weight_p5: 0.5", "kind: loss_risk\n    tolerance: 0") << 14 << ErrorCode::InvalidArgument;
        QTest::newRow("not UTF-8") << with("role: tester", "role: te\xff\xfeter") << 3 << ErrorCode::InvalidArgument;
    }
    void malformedFile()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(ErrorCode, code);
        Fixture f;
        write(f.file(QStringLiteral("tester.md")), text);
        write(f.file(QStringLiteral("other.md")), agentText(QStringLiteral("other")));
        const auto problems = f.load();
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].path, f.file(QStringLiteral("tester.md")));
        QCOMPARE(problems[0].line, line);
        QCOMPARE(problems[0].code, code);
        QVERIFY(!problems[0].message.isEmpty());
        QCOMPARE(f.registry.problems().size(), size_t(1));
        // The others load: the shipped ones and the good file beside it.
        QCOMPARE(f.registry.names(), shippedAnd({ QStringLiteral("other") }));
        // check() finds the same problem without loading anything.
        const auto checked = f.registry.check(f.file(QStringLiteral("tester.md")), f.settings);
        QCOMPARE(checked.size(), size_t(1));
        QCOMPARE(checked[0].line, line);
        QCOMPARE(checked[0].code, code);
    }

    void missingFileChecked()
    {
        Fixture f;
        QVERIFY(f.load().empty());
        const auto checked = f.registry.check(f.file(QStringLiteral("absent.md")), f.settings);
        QCOMPARE(checked.size(), size_t(1));
        QCOMPARE(checked[0].code, ErrorCode::NotFound);
        QCOMPARE(checked[0].line, 0);
    }

    void dataDirectoryAddsAndOverrides()
    {
        Fixture f;
        write(f.file(QStringLiteral("librarian.md")), agentText(QStringLiteral("librarian"), QStringLiteral("local/quality"),
                                                               QStringLiteral("skills: [search, cataloguing]\n")));
        // Named after another file: the name in the file is what counts.
        write(f.file(QStringLiteral("my-builder.md")), agentText(QStringLiteral("rex"), QStringLiteral("cloud/frontier")));
        write(f.file(QStringLiteral("notes.txt")), "not an agent");
        QVERIFY(f.load().empty());
        QCOMPARE(f.registry.names(), shippedAnd({ QStringLiteral("librarian") }));
        const AgentDefinition *rex = f.registry.find(QStringLiteral("rex"));
        QVERIFY(!rex->shipped);
        QCOMPARE(rex->path, f.file(QStringLiteral("my-builder.md")));
        QCOMPARE(rex->role, QStringLiteral("tester"));
        QCOMPARE(rex->temperature, 0.4);
        QCOMPARE(rex->dailyBudgetMicroUsd, 2'000'000);
        QCOMPARE(rex->perCallBudgetMicroUsd, 250'000);
        QCOMPARE(rex->systemPrompt, QStringLiteral("You test things carefully."));
        QCOMPARE(f.registry.find(QStringLiteral("librarian"))->skills, QStringList({ QStringLiteral("search"), QStringLiteral("cataloguing") }));
        QVERIFY(f.registry.find(QStringLiteral("scout"))->shipped);
    }

    void duplicateNameInDataDirectory()
    {
        Fixture f;
        write(f.file(QStringLiteral("a.md")), agentText(QStringLiteral("scout"), QStringLiteral("local/fast")));
        write(f.file(QStringLiteral("b.md")), agentText(QStringLiteral("scout"), QStringLiteral("cloud/fast")));
        const auto problems = f.load();
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].path, f.file(QStringLiteral("b.md")));
        QCOMPARE(problems[0].code, ErrorCode::AlreadyExists);
        // The first by file name overrides the shipped one; the second is ignored.
        QCOMPARE(f.registry.find(QStringLiteral("scout"))->model, QStringLiteral("local/fast"));
        QCOMPARE(f.registry.names(), Shipped);
    }

    void reviewerMayNotShareTheBuildersModel_data()
    {
        QTest::addColumn<QByteArray>("hawk");       // the data directory's hawk.md, or empty: the shipped one
        QTest::addColumn<QByteArray>("rex");        // the data directory's rex.md, or empty
        QTest::addColumn<QStringList>("settings");  // alias=target or fallback:alias=a,b changes to the defaults
        QTest::addColumn<bool>("refused");
        const QString fallback = QStringLiteral("fallback_model: %1\n");
        QTest::newRow("shipped") << QByteArray() << QByteArray() << QStringList() << false;
        QTest::newRow("directly") << agentText(QStringLiteral("hawk"), QStringLiteral("cloud/frontier")) << QByteArray() << QStringList() << true;
        QTest::newRow("through its fallback_model")
                << agentText(QStringLiteral("hawk"), QStringLiteral("cloud/fast"), fallback.arg(QStringLiteral("cloud/frontier"))) << QByteArray()
                << QStringList() << true;
        QTest::newRow("a provider/model that is the alias's target")
                << agentText(QStringLiteral("hawk"), QStringLiteral("sim/cloud-frontier")) << QByteArray() << QStringList() << true;
        QTest::newRow("two aliases on one model") << QByteArray() << QByteArray()
                                                  << QStringList { QStringLiteral("cloud/mid=sim/cloud-frontier") } << true;
        QTest::newRow("through a fallback chain") << QByteArray() << QByteArray()
                                                  << QStringList { QStringLiteral("fallback:cloud/fast=cloud/frontier") } << true;
        QTest::newRow("rex's fallback_model in hawk's chain")
                << QByteArray() << agentText(QStringLiteral("rex"), QStringLiteral("cloud/frontier"), fallback.arg(QStringLiteral("local/quality")))
                << QStringList() << true;
        QTest::newRow("rex moved off hawk's models")
                << agentText(QStringLiteral("hawk"), QStringLiteral("local/fast")) << agentText(QStringLiteral("rex"), QStringLiteral("cloud/mid"))
                << QStringList() << false;
        QTest::newRow("a cycle in the chains ends") << QByteArray() << QByteArray()
                                                    << QStringList { QStringLiteral("fallback:cloud/fast=cloud/mid"),
                                                                     QStringLiteral("fallback:local/fast=cloud/fast") }
                                                    << false;
    }
    void reviewerMayNotShareTheBuildersModel()
    {
        QFETCH(QByteArray, hawk);
        QFETCH(QByteArray, rex);
        QFETCH(QStringList, settings);
        QFETCH(bool, refused);
        Fixture f;
        for (const QString &change : settings) {
            const QString key = change.section(u'=', 0, 0);
            const QString value = change.section(u'=', 1);
            if (key.startsWith(QLatin1String("fallback:")))
                f.settings.fallbacks[key.mid(9)] = value.split(u',');
            else
                f.settings.aliases[key] = *llm::parseTarget(value);
        }
        if (!hawk.isEmpty())
            write(f.file(QStringLiteral("hawk.md")), hawk);
        if (!rex.isEmpty())
            write(f.file(QStringLiteral("rex.md")), rex);
        const auto problems = f.load();
        if (!refused) {
            QVERIFY(problems.empty());
            QVERIFY(f.registry.find(QStringLiteral("hawk")));
            return;
        }
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].code, ErrorCode::RefusedByPolicy);
        QCOMPARE(problems[0].path, hawk.isEmpty() ? QStringLiteral(":/agents/hawk.md") : f.file(QStringLiteral("hawk.md")));
        QCOMPARE(problems[0].line, 4); // hawk's model: line, in the shipped file and in agentText alike
        // Hawk is dropped; Rex and the others stay.
        QVERIFY(!f.registry.find(QStringLiteral("hawk")));
        QVERIFY(f.registry.find(QStringLiteral("rex")));
        QCOMPARE(f.registry.all().size(), size_t(Shipped.size() - 1));
        // check() of the file that breaks the rule says so too.
        if (!hawk.isEmpty()) {
            const auto checked = f.registry.check(f.file(QStringLiteral("hawk.md")), f.settings);
            QCOMPARE(checked.size(), size_t(1));
            QCOMPARE(checked[0].code, ErrorCode::RefusedByPolicy);
        }
    }

    void reloadKeepsTheVersionBeforeABadFile()
    {
        Fixture f;
        write(f.file(QStringLiteral("rex.md")), agentText(QStringLiteral("rex"), QStringLiteral("cloud/frontier")));
        QVERIFY(f.load().empty());
        QCOMPARE(f.registry.find(QStringLiteral("rex"))->role, QStringLiteral("tester"));

        // Edited into a broken file: the version loaded before stays.
        write(f.file(QStringLiteral("rex.md")), QByteArray(agentText(QStringLiteral("rex"), QStringLiteral("cloud/frontier"))).replace("0.4", "9"));
        // A new broken file has no version before: nothing of it loads.
        write(f.file(QStringLiteral("new.md")), "no front matter\n");
        auto problems = f.registry.reload(f.settings);
        QCOMPARE(problems.size(), size_t(2));
        QCOMPARE(problems[0].path, f.file(QStringLiteral("new.md")));
        QCOMPARE(problems[1].path, f.file(QStringLiteral("rex.md")));
        QCOMPARE(problems[1].line, 5);
        const AgentDefinition *rex = f.registry.find(QStringLiteral("rex"));
        QCOMPARE(rex->path, f.file(QStringLiteral("rex.md")));
        QCOMPARE(rex->temperature, 0.4);
        QCOMPARE(f.registry.names(), Shipped);

        // Still broken at the next reload: still the old version.
        QCOMPARE(f.registry.reload(f.settings).size(), size_t(2));
        QCOMPARE(f.registry.find(QStringLiteral("rex"))->temperature, 0.4);

        // Mended: the new version; removed: the shipped one again.
        write(f.file(QStringLiteral("rex.md")), QByteArray(agentText(QStringLiteral("rex"), QStringLiteral("cloud/frontier"))).replace("0.4", "0.7"));
        QVERIFY(QFile::remove(f.file(QStringLiteral("new.md"))));
        QVERIFY(f.registry.reload(f.settings).empty());
        QCOMPARE(f.registry.find(QStringLiteral("rex"))->temperature, 0.7);
        QVERIFY(QFile::remove(f.file(QStringLiteral("rex.md"))));
        QVERIFY(f.registry.reload(f.settings).empty());
        QVERIFY(f.registry.find(QStringLiteral("rex"))->shipped);
    }

    void tooManyFiles()
    {
        Fixture f;
        write(f.file(QStringLiteral("a.md")), agentText(QStringLiteral("librarian")));
        QVERIFY(f.load().empty());
        for (int i = 0; i < AgentRegistry::AgentFilesMax; ++i)
            write(f.file(QStringLiteral("extra-%1.md").arg(i, 3, 10, QLatin1Char('0'))), agentText(QStringLiteral("extra%1").arg(i)));
        const auto problems = f.registry.reload(f.settings);
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].path, f.agents());
        QCOMPARE(problems[0].code, ErrorCode::ResourceExhausted);
        // None of the directory's new files is read; what it held before stays.
        QCOMPARE(f.registry.names(), shippedAnd({ QStringLiteral("librarian") }));
    }

    void dataDirectoryNotADirectory()
    {
        Fixture f;
        write(f.agents(), "a file where the directory goes");
        const auto problems = f.load();
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].path, f.agents());
        QCOMPARE(f.registry.names(), Shipped);
    }

    void operations()
    {
        cabinet::test::TestCabinet t;
        QVERIFY(t.open());
        Cabinet &cabinet = *t.cabinet;
        std::optional<ErrorCode> error;

        const QJsonObject list = QJsonDocument::fromJson(call(cabinet, "agents.list", "{}", &error)).object();
        QVERIFY(!error);
        QCOMPARE(list.value(QStringLiteral("agents")).toArray().size(), Shipped.size());
        QVERIFY(list.value(QStringLiteral("problems")).toArray().isEmpty());
        const QJsonObject hawk = QJsonDocument::fromJson(call(cabinet, "agents.get", R"({"name":"hawk"})", &error)).object();
        QVERIFY(!error);
        QCOMPARE(hawk.value(QStringLiteral("model")).toString(), QStringLiteral("cloud/mid"));
        QCOMPARE(hawk.value(QStringLiteral("budget")).toObject().value(QStringLiteral("per_call_micro_usd")).toInteger(), 400'000);
        QVERIFY(hawk.value(QStringLiteral("targets")).toArray().contains(QStringLiteral("sim/cloud-mid")));
        QVERIFY(!hawk.value(QStringLiteral("targets")).toArray().contains(QStringLiteral("sim/cloud-frontier")));
        QVERIFY(!hawk.value(QStringLiteral("system_prompt")).toString().isEmpty());

        // Bad input: a clear error, nothing audited.
        const qint64 before = auditCount(cabinet);
        call(cabinet, "agents.get", R"({"name":"nobody"})", &error);
        QCOMPARE(error, ErrorCode::NotFound);
        call(cabinet, "agents.get", "{}", &error);
        QCOMPARE(error, ErrorCode::InvalidArgument);
        call(cabinet, "agents.check", R"({"path":"relative/file.md"})", &error);
        QCOMPARE(error, ErrorCode::InvalidArgument);
        call(cabinet, "agents.check", R"({"path":7})", &error);
        QCOMPARE(error, ErrorCode::InvalidArgument);
        call(cabinet, "agents.reload", R"({"force":true})", &error);
        QCOMPARE(error, ErrorCode::InvalidArgument);
        QCOMPARE(auditCount(cabinet), before);

        // A bad file: check names it; reload keeps the others, audits once and
        // says so in its event.
        const QString bad = t.dir.filePath(QStringLiteral("agents/bad.md"));
        write(bad, "---\nname: bad\nrole: [\n---\nbody\n");
        const QJsonObject checked = QJsonDocument::fromJson(call(cabinet, "agents.check", "{\"path\":\"" + bad.toUtf8() + "\"}", &error)).object();
        QVERIFY(!error);
        QCOMPARE(checked.value(QStringLiteral("problems")).toArray().size(), 1);
        QCOMPARE(checked.value(QStringLiteral("problems")).toArray()[0].toObject().value(QStringLiteral("path")).toString(), bad);
        QCOMPARE(auditCount(cabinet), before);
        QVERIFY(cabinet.agents().problems().empty()); // check loads nothing

        write(t.dir.filePath(QStringLiteral("agents/librarian.md")), agentText(QStringLiteral("librarian")));
        const QJsonObject reloaded = QJsonDocument::fromJson(call(cabinet, "agents.reload", "{}", &error)).object();
        QVERIFY(!error);
        QCOMPARE(reloaded.value(QStringLiteral("agents")).toArray().size(), Shipped.size() + 1);
        const QJsonArray problems = reloaded.value(QStringLiteral("problems")).toArray();
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems[0].toObject().value(QStringLiteral("path")).toString(), bad);
        QCOMPARE(problems[0].toObject().value(QStringLiteral("line")).toInt(), 3);
        QCOMPARE(problems[0].toObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_argument"));
        QVERIFY(cabinet.agents().find(QStringLiteral("librarian")));
        QCOMPARE(cabinet.agents().problems().size(), size_t(1));
        // The reload's own entry comes first; after it, system:costs opens
        // the envelopes of the agents that have none (docs/agents.md).
        auto entries = cabinet.audit().entriesAfter(before, 100);
        QVERIFY(entries && !entries->isEmpty());
        QCOMPARE(entries->first().action, QStringLiteral("agents.reload"));
        QCOMPARE(entries->first().actor, Actor::person(QStringLiteral("alice")).toString());
        for (qsizetype i = 1; i < entries->size(); ++i)
            QCOMPARE(entries->at(i).actor, QStringLiteral("system:costs"));
        QVERIFY(call(cabinet, "budget.show", "{}", &error).contains("\"librarian\""));
        auto replayed = cabinet.events().replay(0);
        QVERIFY(replayed);
        QCOMPARE(std::count_if(replayed->begin(), replayed->end(), [](const auto &e) { return e.type == events::AgentsReloaded; }), 1);
    }
};

QTEST_GUILESS_MAIN(TestAgentRegistry)
#include "tst_agentregistry.moc"
