#include "TestSupport.h"
#include "gui/ConsoleSession.h"
#include "approvals/ApprovalService.h"
#include "ledger/Ledger.h"
#include "store/DataDirectory.h"

#include <QDir>
#include <QFile>
#include <QQmlComponent>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

Q_IMPORT_QML_PLUGIN(CabinetPlugin)

using namespace cabinet;
using namespace cabinet::gui;

namespace {
QQuickItem *findItem(QQuickItem *root, const std::function<bool(QQuickItem *)> &match)
{
    if (!root)
        return nullptr;
    if (match(root))
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, match))
            return found;
    }
    return nullptr;
}

QQuickItem *itemNamed(QQuickWindow *window, const QString &name)
{
    return findItem(window->contentItem(), [&](QQuickItem *item) { return item->objectName() == name; });
}

// A visible item showing exactly `text`, under root.
QQuickItem *visibleText(QQuickItem *root, const QString &text)
{
    return findItem(root, [&](QQuickItem *item) { return item->isVisible() && item->property("text").toString() == text; });
}

bool isInside(QQuickItem *item, const QString &ancestorName)
{
    for (QQuickItem *parent = item->parentItem(); parent; parent = parent->parentItem()) {
        if (parent->objectName() == ancestorName)
            return true;
    }
    return false;
}

bool shows(QQuickItem *item)
{
    return item && item->isVisible() && item->width() > 0 && item->height() > 0;
}

// Many colours, not one flat fill: something was drawn.
int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

void click(QQuickItem *item)
{
    QTest::mouseClick(
        item->window(), Qt::LeftButton, {}, item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint());
}
} // namespace

// The real console window (qrc:/Cabinet/Main.qml) on a real core and a
// scratch data directory, rendered offscreen.
class TestMainWindow : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_dataDir;
    QString m_settings;
    std::unique_ptr<ConsoleSession> m_session;

    QQuickWindow *window() const { return m_session->window(); }
    QObject *dock() const { return itemNamed(window(), QStringLiteral("dock")); }

    bool openSession()
    {
        m_session = std::make_unique<ConsoleSession>();
        Cabinet::Options core;
        core.dataDir = m_dataDir;
        if (auto loaded = m_session->load(core, m_settings); !loaded) {
            qWarning("%s", qPrintable(loaded.error().message));
            return false;
        }
        return QTest::qWaitForWindowExposed(window())
            && QTest::qWaitFor([this] { return window()->property("settled").toBool(); }, 20000);
    }

    QVariantList registeredPanels() const
    {
        QQmlComponent reader(&m_session->engine());
        reader.setData("import QtQml\nimport Cabinet\nQtObject { property var panels: PanelRegistry.panels }", QUrl());
        std::unique_ptr<QObject> object(reader.create());
        return object ? object->property("panels").toList() : QVariantList();
    }

    // Whether the View menu shows a check mark at the panel's entry.
    bool viewMenuMarks(const QString &id) const
    {
        QObject *item = window()->findChild<QObject *>(QStringLiteral("viewMenu_") + id);
        return item && item->property("marked").toBool();
    }

    QQuickItem *frame(const QString &id) const { return itemNamed(window(), QStringLiteral("panel_") + id); }

    void call(const char *function, const QString &id, const QString &argument = {})
    {
        const bool invoked = argument.isNull()
            ? QMetaObject::invokeMethod(dock(), function, Q_ARG(QVariant, id))
            : QMetaObject::invokeMethod(dock(), function, Q_ARG(QVariant, id), Q_ARG(QVariant, argument));
        QVERIFY2(invoked, function);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_dataDir = m_dir.filePath(QStringLiteral("data-") + QLatin1String(QTest::currentTestFunction()));
        m_settings
            = m_dir.filePath(QStringLiteral("console-") + QLatin1String(QTest::currentTestFunction()) + QStringLiteral(".ini"));
    }

    void cleanup() { m_session.reset(); }

    void rendersEveryPanel()
    {
        QVERIFY(openSession());
        const QVariantList panels = registeredPanels();
        QVERIFY(!panels.isEmpty());
        for (const QVariant &panel : panels) {
            const QString id = panel.toMap().value(QStringLiteral("id")).toString();
            // A panel behind another's tab is brought to the front first.
            call("focusPanel", id);
            QQuickItem *item = frame(id);
            QTRY_VERIFY2(shows(item), qPrintable(id));
            const QRectF inWindow = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
            QVERIFY2(QRectF(0, 0, window()->width(), window()->height()).contains(inWindow), qPrintable(id));
        }

        call("focusPanel", QStringLiteral("audit"));
        QQuickItem *list = itemNamed(window(), QStringLiteral("auditList"));
        QVERIFY(shows(list));
        QTRY_VERIFY(visibleText(list, QStringLiteral("core.start")));
        QCOMPARE(itemNamed(window(), QStringLiteral("statusDataDir"))->property("text").toString(), m_dataDir);
        QCOMPARE(itemNamed(window(), QStringLiteral("statusMode"))->property("text").toString(), QStringLiteral("Supervised"));
        QTRY_VERIFY(itemNamed(window(), QStringLiteral("chainBadge"))
                        ->property("label")
                        .toString()
                        .startsWith(QStringLiteral("Verified")));

        const QImage image = window()->grabWindow();
        QVERIFY(!image.isNull());
        QVERIFY2(distinctColours(image) > 20, "the window looks blank");
    }

    void movesHidesAndRestoresPanels()
    {
        QVERIFY(openSession());
        // The center to the audit trail alone, as these steps expect.
        call("hide", QStringLiteral("tasks"));
        call("hide", QStringLiteral("models"));
        call("hide", QStringLiteral("approvals"));
        call("hide", QStringLiteral("board"));
        QQuickItem *events = frame(QStringLiteral("events"));
        QQuickItem *audit = frame(QStringLiteral("audit"));
        QVERIFY(isInside(events, QStringLiteral("dockArea_bottom")));

        call("moveTo", QStringLiteral("events"), QStringLiteral("right"));
        QVERIFY(isInside(events, QStringLiteral("dockArea_right")));
        QTRY_VERIFY(shows(events));
        QVERIFY(!itemNamed(window(), QStringLiteral("dockArea_bottom"))->isVisible()); // an empty area folds away

        // Two panels in one area: tabs, the one moved in is in front.
        call("moveTo", QStringLiteral("events"), QStringLiteral("center"));
        QVERIFY(isInside(events, QStringLiteral("dockArea_center")));
        QTRY_VERIFY(shows(events));
        QVERIFY(!audit->isVisible());
        QTest::keyClick(window(), Qt::Key_1, Qt::ControlModifier);
        QTRY_VERIFY(shows(audit));
        QVERIFY(!events->isVisible());

        // Hide from the panel's own menu, restore with its shortcut.
        click(audit->findChild<QQuickItem *>(QStringLiteral("panelMenuButton")));
        QQuickItem *hide = nullptr;
        QTRY_VERIFY((hide = visibleText(window()->contentItem(), QStringLiteral("Hide"))));
        click(hide);
        QTRY_VERIFY(!audit->isVisible());
        QVERIFY(!isInside(audit, QStringLiteral("dockArea_center")));
        QVERIFY(shows(events));
        QVERIFY(!viewMenuMarks(QStringLiteral("audit")));
        QTest::keyClick(window(), Qt::Key_1, Qt::ControlModifier);
        QTRY_VERIFY(shows(audit));
        QVERIFY(viewMenuMarks(QStringLiteral("audit")));
        QVERIFY(isInside(audit, QStringLiteral("dockArea_center")));
    }

    void popsOutAndDocksBack()
    {
        QVERIFY(openSession());
        QQuickItem *events = frame(QStringLiteral("events"));
        call("popOut", QStringLiteral("events"));
        QTRY_VERIFY(events->window() != window());
        QQuickWindow *popout = events->window();
        QVERIFY(popout->isVisible());
        QTRY_VERIFY(shows(events));
        QVERIFY(QTest::qWaitForWindowExposed(popout));
        QVERIFY(!itemNamed(window(), QStringLiteral("dockArea_bottom"))->isVisible());

        // Closing its window docks the panel back where it was.
        popout->close();
        QTRY_COMPARE(events->window(), window());
        QVERIFY(isInside(events, QStringLiteral("dockArea_bottom")));
        QTRY_VERIFY(shows(events));
    }

    // The panel a frame holds, or null while none was created.
    QObject *panelItem(const QString &id) const
    {
        QQuickItem *loader = frame(id)->findChild<QQuickItem *>(QStringLiteral("panelLoader"));
        return loader ? loader->property("item").value<QObject *>() : nullptr;
    }

    void hiddenPanelIsCreatedWhenFirstShown()
    {
        // A layout saved with the ledger hidden and the event stream behind
        // the audit trail's tab.
        QVERIFY(openSession());
        call("hide", QStringLiteral("ledger"));
        call("moveTo", QStringLiteral("events"), QStringLiteral("center"));
        m_session.reset();

        QVERIFY(openSession()); // settled: panels not created have nothing to wait for
        QVERIFY(frame(QStringLiteral("ledger")));
        QVERIFY(!frame(QStringLiteral("ledger"))->isVisible());
        QVERIFY(!panelItem(QStringLiteral("ledger")));
        QVERIFY(!window()->findChild<QObject *>(QStringLiteral("accountList")));
        QVERIFY(!panelItem(QStringLiteral("events")));
        QVERIFY(!window()->findChild<QObject *>(QStringLiteral("eventList")));
        QVERIFY(panelItem(QStringLiteral("audit")));
        QVERIFY(panelItem(QStringLiteral("scenarios")));

        // Shown by its shortcut: created then, and it shows its data.
        QTest::keyClick(window(), Qt::Key_3, Qt::ControlModifier);
        QTRY_VERIFY(shows(frame(QStringLiteral("ledger"))));
        QObject *ledger = panelItem(QStringLiteral("ledger"));
        QVERIFY(ledger);
        QTRY_VERIFY(shows(itemNamed(window(), QStringLiteral("accountList")))); // the costs' treasury and envelopes
        QTRY_VERIFY(window()->property("settled").toBool());
        // Its tab chosen: the event stream is created too, with the events
        // since the console started.
        QTest::keyClick(window(), Qt::Key_2, Qt::ControlModifier);
        QTRY_VERIFY(shows(frame(QStringLiteral("events"))));
        QVERIFY(panelItem(QStringLiteral("events")));
        QTRY_VERIFY(visibleText(itemNamed(window(), QStringLiteral("eventList")), QStringLiteral("core.started")));

        // Hidden again, it is kept as it is, not destroyed.
        call("hide", QStringLiteral("ledger"));
        QTRY_VERIFY(!frame(QStringLiteral("ledger"))->isVisible());
        QCOMPARE(panelItem(QStringLiteral("ledger")), ledger);
    }

    void layoutSurvivesReload()
    {
        QVERIFY(openSession());
        // The center to the audit trail alone, as these steps expect.
        call("hide", QStringLiteral("tasks"));
        call("hide", QStringLiteral("models"));
        call("hide", QStringLiteral("approvals"));
        call("hide", QStringLiteral("board"));
        const QColor darkWindow = window()->color();
        // Into the center, which the hidden audit trail leaves to it alone.
        call("moveTo", QStringLiteral("events"), QStringLiteral("center"));
        call("hide", QStringLiteral("audit"));
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(window()->color() != darkWindow);
        const QColor lightWindow = window()->color();
        m_session.reset(); // the settings are written, the data directory released

        QVERIFY(openSession());
        QQuickItem *events = frame(QStringLiteral("events"));
        QVERIFY(isInside(events, QStringLiteral("dockArea_center")));
        QVERIFY(shows(events));
        QVERIFY(!frame(QStringLiteral("audit"))->isVisible());
        QCOMPARE(window()->color(), lightWindow);

        QVERIFY(QMetaObject::invokeMethod(dock(), "resetLayout"));
        QVERIFY(isInside(events, QStringLiteral("dockArea_bottom")));
        QTRY_VERIFY(shows(frame(QStringLiteral("audit"))));
    }

    void splitSizesSurviveReload()
    {
        QVERIFY(openSession());
        QQuickItem *bottom = itemNamed(window(), QStringLiteral("dockArea_bottom"));
        const qreal before = bottom->height();
        // Drag the handle above the bottom area up by 100 pixels.
        const QPoint handle = bottom->mapToScene(QPointF(bottom->width() / 2, -3)).toPoint();
        QTest::mousePress(window(), Qt::LeftButton, {}, handle);
        for (int step = 1; step <= 10; ++step)
            QTest::mouseMove(window(), handle - QPoint(0, 10 * step));
        QTest::mouseRelease(window(), Qt::LeftButton, {}, handle - QPoint(0, 100));
        QTRY_VERIFY(qAbs(bottom->height() - (before + 100)) <= 2);
        const qreal dragged = bottom->height();
        m_session.reset();

        QVERIFY(openSession());
        QTRY_COMPARE(itemNamed(window(), QStringLiteral("dockArea_bottom"))->height(), dragged);
    }

    void ledgerPanelFollowsTheLedger()
    {
        QVERIFY(openSession());
        // A fresh data directory holds the accounts the costs opened (the
        // treasury, the envelopes), not the empty state.
        QTRY_VERIFY(shows(itemNamed(window(), QStringLiteral("accountList"))));
        QVERIFY(!itemNamed(window(), QStringLiteral("ledgerEmpty"))->isVisible());

        bool written = false;
        m_session->connection().request(
            this,
            [](Cabinet &cabinet) {
                std::vector<ledger::Account> accounts(2);
                accounts[0].id = 7001;
                accounts[1].id = 7002;
                for (ledger::Account &account : accounts) {
                    account.ledger = 1;
                    account.code = 10;
                }
                ledger::Transfer hold;
                hold.id = 1;
                hold.debit_account_id = 7001;
                hold.credit_account_id = 7002;
                hold.amount = 1'500'000;
                hold.ledger = 1;
                hold.code = 10;
                hold.flags = ledger::TransferFlag::Pending;
                hold.timeout = 45;
                return cabinet.service<cabinet::ledger::Ledger>().createAccounts(accounts, cabinet::test::tester()).ok() && cabinet.service<cabinet::ledger::Ledger>().createTransfers({ &hold, 1 }, cabinet::test::tester()).ok();
            },
            [&written](bool ok) { written = ok; });
        QTRY_VERIFY(written);

        QQuickItem *accounts = itemNamed(window(), QStringLiteral("accountList"));
        QTRY_VERIFY(shows(accounts));
        // The newest accounts are last, after the costs' envelopes.
        QTRY_VERIFY(QMetaObject::invokeMethod(accounts, "positionViewAtEnd") && visibleText(accounts, QStringLiteral("7002")));
        // Chosen with a click, its pending transfer is listed under it.
        QQuickItem *row = nullptr;
        QTRY_VERIFY((row = findItem(accounts, [](QQuickItem *item) { return item->property("accountId").toString() == u"7001"; })));
        QTest::mouseClick(window(), Qt::LeftButton, {}, row->mapToScene(QPointF(row->width() / 4, row->height() / 2)).toPoint());
        QTRY_VERIFY(visibleText(itemNamed(window(), QStringLiteral("transferList")), QStringLiteral("→ 7002")));

        // The countdown runs on the GUI's clock and is red under a minute.
        QQuickItem *pending = itemNamed(window(), QStringLiteral("pendingList"));
        QQuickItem *countdown = nullptr;
        QTRY_VERIFY((countdown = findItem(pending, [](QQuickItem *item) {
            return item->objectName() == u"countdown" && item->isVisible();
        })));
        const QRegularExpression minutesSeconds(QStringLiteral("^00:(4[0-5]|3[0-9])$"));
        QVERIFY2(minutesSeconds.match(countdown->property("text").toString()).hasMatch(),
            qPrintable(countdown->property("text").toString()));
        const QString before = countdown->property("text").toString();
        QTRY_VERIFY_WITH_TIMEOUT(countdown->property("text").toString() != before, 3000);
        QCOMPARE(countdown->property("color").value<QColor>(), QColor(QStringLiteral("#ff6b6b"))); // Theme.danger, dark
    }

    void modelsPanelShowsProvidersAndTrails()
    {
        // The sim answers at once; `flaky`, a second sim provider, always
        // fails on cloud/frontier, so its calls fall back (docs/models.md).
        QVERIFY(QDir().mkpath(m_dataDir));
        QFile config(DataDirectory::configPath(m_dataDir));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("llm:\n  providers:\n    sim:\n      latency_ms: 0\n      tokens_per_second: 0\n"
                     "    flaky:\n      kind: sim\n      latency_ms: 0\n      server_error_chance: 1\n      breaker_failures: 2\n"
                     "  aliases:\n    cloud:\n      frontier: flaky/frontier\n");
        config.close();
        QVERIFY(openSession());
        call("focusPanel", QStringLiteral("models"));
        QQuickItem *panel = frame(QStringLiteral("models"));
        QTRY_VERIFY(shows(panel));
        QQuickItem *flaky = nullptr;
        QTRY_VERIFY(shows(flaky = itemNamed(window(), QStringLiteral("providerRow_flaky"))));
        QVERIFY(visibleText(flaky, QStringLiteral("SIMULATED")));
        QVERIFY(visibleText(flaky, QStringLiteral("breaker closed")));
        QVERIFY(shows(itemNamed(window(), QStringLiteral("simulatedBanner"))));

        // A call made elsewhere (the command line's would go the same way):
        // its trail shows each alias tried and why it was left.
        auto testCall = [this](const QByteArray &params) {
            std::optional<bool> ok;
            m_session->connection().call(this, QStringLiteral("models.test"), params, [&ok](Result<QByteArray> r) { ok = r.ok(); });
            return QTest::qWaitFor([&ok] { return ok.has_value(); }) && *ok;
        };
        QVERIFY(testCall(R"({"alias":"cloud/frontier","prompt":"Which cache keeps the build fast?"})"));
        auto attemptShown = [panel](const QString &start) {
            return findItem(panel, [&start](QQuickItem *item) {
                return item->objectName() == u"attempt" && item->isVisible() && item->property("text").toString().startsWith(start);
            });
        };
        QTRY_VERIFY(attemptShown(QStringLiteral("cloud/frontier  flaky/frontier  failed: unavailable")));
        QVERIFY(attemptShown(QStringLiteral("cloud/mid  sim/cloud-mid  served")));

        // The panel's own call, streamed: the reply shows, marked simulated.
        // (The button may be scrolled out of view: pressed from the keyboard.)
        QQuickItem *button = itemNamed(window(), QStringLiteral("testButton"));
        QTRY_VERIFY(button->isEnabled());
        button->forceActiveFocus();
        QTest::keyClick(window(), Qt::Key_Space);
        QTRY_VERIFY(itemNamed(window(), QStringLiteral("testOutput"))->property("text").toString().startsWith(QStringLiteral("[simulated]")));
        QTRY_VERIFY(itemNamed(window(), QStringLiteral("testServed"))->property("text").toString().contains(QStringLiteral("SIMULATED")));

        // A second failure in a row opens flaky's breaker, and the row says
        // when it half-opens.
        QVERIFY(testCall(R"({"task_type":"build","prompt":"Add CSV export to the report."})"));
        QTRY_VERIFY(visibleText(flaky, QStringLiteral("breaker open")));
        QVERIFY(shows(findItem(flaky, [](QQuickItem *item) { return item->objectName() == u"halfOpens"; })));

        // docs/images/models-panel.png is this window, grabbed when asked,
        // with the center to the panel alone and wide.
        if (const QString png = qEnvironmentVariable("CABINET_TEST_MODELS_PNG"); !png.isEmpty()) {
            call("hide", QStringLiteral("scenarios"));
            call("hide", QStringLiteral("ledger"));
            call("hide", QStringLiteral("events"));
            window()->resize(1280, 900);
            QTest::qWait(500);
            QVERIFY(window()->grabWindow().save(png));
        }
    }

    void scenariosPanelRunsAndNamesABadField()
    {
        QVERIFY(openSession());
        // Settled: the panel's first run has finished.
        QObject *session = window()->findChild<QObject *>(QStringLiteral("scenarioSession"));
        QVERIFY(session);
        QVERIFY(session->property("hasResult").toBool());
        QQuickItem *histogram = itemNamed(window(), QStringLiteral("histogram"));
        QVERIFY(shows(histogram));
        QVERIFY(histogram->property("peak").toDouble() > 0);
        const QString backend = itemNamed(window(), QStringLiteral("scenarioBackend"))->property("text").toString();
        QVERIFY2(backend == u"CPU" || backend == u"CUDA", qPrintable(backend));
        QVERIFY(!itemNamed(window(), QStringLiteral("statP50"))->property("value").toString().isEmpty());

        // A volatility the engine refuses: its message, under the Run button, and the field marked.
        QQuickItem *volatility = itemNamed(window(), QStringLiteral("field_value_volatility_daily"));
        volatility->forceActiveFocus();
        QTest::keyClick(window(), Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(window(), '-');
        QTest::keyClick(window(), '1');
        QQuickItem *run = itemNamed(window(), QStringLiteral("runButton"));
        QVERIFY(run->isEnabled());
        click(run);
        QQuickItem *error = itemNamed(window(), QStringLiteral("scenarioError"));
        QTRY_VERIFY(shows(error));
        QVERIFY2(error->property("text").toString().startsWith(QStringLiteral("value_volatility_daily")),
            qPrintable(error->property("text").toString()));
        QVERIFY(volatility->property("background").value<QQuickItem *>()->property("named").toBool());
        QVERIFY(!session->property("running").toBool());
        QCOMPARE(volatility->property("text").toString(), QStringLiteral("-1"));
    }

    // The Shadow Board's what-if, through the panel: a refused value is
    // named under the button; a good one shows both histograms side by
    // side, the votes that changed and the cards' earlier votes.
    void boardPanelComparesAWhatIf()
    {
        QVERIFY(openSession());
        std::optional<Result<QByteArray>> made;
        m_session->connection().call(this, QStringLiteral("board.deliberate"),
                                     R"({"proposal": {"kind": "tier2_action", "text": "Deploy v2", "cost_estimate_micros": 30000000,
                                        "assumptions": {"scenarios": 500, "horizon_days": 30, "budget_micros": 90000000}}, "seed": 3})",
                                     [&made](Result<QByteArray> r) { made = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(made.has_value(), 60000);
        QVERIFY(made->ok());
        call("focusPanel", QStringLiteral("board"));
        QObject *session = window()->findChild<QObject *>(QStringLiteral("boardSession"));
        QVERIFY(session);
        QTRY_VERIFY(session->property("loaded").toBool());
        QTRY_VERIFY(shows(itemNamed(window(), QStringLiteral("boardCard_cfo"))));
        QVERIFY(!shows(itemNamed(window(), QStringLiteral("boardWhatIf"))));

        auto type = [this](const char *field, const char *text) {
            QQuickItem *input = itemNamed(window(), QStringLiteral("whatIf_") + QLatin1String(field));
            QVERIFY(input);
            input->forceActiveFocus();
            QTest::keyClick(window(), Qt::Key_A, Qt::ControlModifier);
            for (const char *c = text; *c; ++c)
                QTest::keyClick(window(), *c);
        };
        // The form is below the outcome: scrolled into view, as a person
        // would, again before each click (typing may scroll the view to
        // the field), and clicked only where the view shows it.
        QQuickItem *detail = itemNamed(window(), QStringLiteral("boardDetail"));
        QQuickItem *run = itemNamed(window(), QStringLiteral("whatIfRun"));
        auto reveal = [detail, run] {
            const QPointF at = run->mapToItem(detail->property("contentItem").value<QQuickItem *>(), QPointF(0, 0));
            detail->setProperty("contentY", std::max(0.0, at.y() - detail->height() / 2));
            const QRectF shown = detail->mapRectToScene(QRectF(0, 0, detail->width(), detail->height()));
            return shown.contains(run->mapToScene(QPointF(run->width() / 2, run->height() / 2)));
        };
        QVERIFY(reveal());
        type("success_rate", "2");
        QTRY_VERIFY(reveal());
        click(run);
        QTRY_COMPARE(session->property("whatIfErrorField").toString(), QStringLiteral("set.success_rate"));
        QVERIFY(shows(itemNamed(window(), QStringLiteral("whatIfError"))));

        type("success_rate", "0.99");
        type("expected_value_micros", "90");
        QTRY_VERIFY(reveal());
        click(run);
        QTRY_VERIFY_WITH_TIMEOUT(session->property("hasWhatIf").toBool(), 60000);
        QQuickItem *whatIf = itemNamed(window(), QStringLiteral("boardWhatIf"));
        QTRY_VERIFY(shows(whatIf));
        for (QQuickItem *side : { itemNamed(window(), QStringLiteral("boardOriginal")), whatIf }) {
            QQuickItem *bars = findItem(side, [](QQuickItem *item) { return item->objectName() == u"boardHistogram"; });
            QVERIFY(shows(bars));
            QVERIFY(bars->property("peak").toDouble() > 0);
        }
        const int changed = session->property("comparison").toMap().value(QStringLiteral("changed_votes")).toList().size();
        QVERIFY(changed > 0);
        int shown = 0;
        for (const char *persona : { "ceo", "cfo", "cmo", "cto", "coo", "chro", "clo", "cso" })
            shown += shows(itemNamed(window(), QStringLiteral("boardChangedVote_") + QLatin1String(persona)));
        QCOMPARE(shown, changed);
    }

    // A deploy's approval request, decided with one click on Approve; a
    // tier-3 one asks for a confirmation before the keyboard's A counts.
    void approvalsPanelDecidesInOneClick()
    {
        QVERIFY(openSession());
        auto requestApproval = [this](approvals::ActionKind kind) {
            QString id;
            m_session->connection().request(
                this,
                [kind](Cabinet &cabinet) {
                    approvals::NewApproval asked;
                    asked.action.kind = kind;
                    asked.action.agent = QStringLiteral("forge");
                    asked.action.environment = QStringLiteral("production");
                    asked.action.target = kind == approvals::ActionKind::ModeChange ? QStringLiteral("autonomous") : QStringLiteral("./deploy.sh");
                    asked.evidence = R"({"cost_micros":1250000,"command":"./deploy.sh --prod"})";
                    auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
                    return made ? made->id : QString();
                },
                [&id](QString made) { id = made; });
            (void)QTest::qWaitFor([&id] { return !id.isEmpty(); });
            return id;
        };
        auto stateOf = [this](const QString &id) {
            std::optional<std::pair<QString, int>> state;
            m_session->connection().request(
                this,
                [id](Cabinet &cabinet) {
                    auto request = cabinet.service<approvals::ApprovalService>().get(id);
                    return std::pair { request ? approvals::approvalStateName(request->state) : QString(), request ? int(request->votes.size()) : -1 };
                },
                [&state](std::pair<QString, int> read) { state = read; });
            (void)QTest::qWaitFor([&state] { return state.has_value(); });
            return state.value_or(std::pair { QString(), -1 });
        };

        const QString deploy = requestApproval(approvals::ActionKind::Deploy);
        QVERIFY(!deploy.isEmpty());
        QObject *toast = window()->findChild<QObject *>(QStringLiteral("approvalToast"));
        QVERIFY(toast);
        QTRY_VERIFY(toast->property("visible").toBool()); // it arrived while the console ran
        QTRY_VERIFY(shows(itemNamed(window(), QStringLiteral("statusApprovals"))));
        QTRY_VERIFY(shows(itemNamed(window(), QStringLiteral("tabBadge_approvals"))));
        call("focusPanel", QStringLiteral("approvals"));
        QQuickItem *approve = nullptr;
        QTRY_VERIFY((approve = itemNamed(window(), QStringLiteral("approve_") + deploy)) && shows(approve));
        QQuickItem *row = itemNamed(window(), QStringLiteral("approvalRow_") + deploy);
        QVERIFY(visibleText(row, QStringLiteral("./deploy.sh --prod"))); // the command in view
        QVERIFY(visibleText(row, QStringLiteral("Tier 2")));
        click(approve);
        QTRY_COMPARE(stateOf(deploy).first, QStringLiteral("approved"));
        QTRY_VERIFY(!itemNamed(window(), QStringLiteral("approvalRow_") + deploy));
        QTRY_VERIFY(!shows(itemNamed(window(), QStringLiteral("statusApprovals"))));

        const QString tier3 = requestApproval(approvals::ActionKind::ModeChange);
        QQuickItem *tier3Row = nullptr;
        QTRY_VERIFY((tier3Row = itemNamed(window(), QStringLiteral("approvalRow_") + tier3)) && shows(tier3Row));
        QTest::keyClick(window(), Qt::Key_A);
        QObject *confirm = window()->findChild<QObject *>(QStringLiteral("tier3Confirm"));
        QVERIFY(confirm);
        QTRY_VERIFY(confirm->property("visible").toBool());
        QCOMPARE(stateOf(tier3).second, 0); // nothing counted before the confirmation
        QVERIFY(QMetaObject::invokeMethod(confirm, "accept"));
        QTRY_COMPARE(stateOf(tier3).second, 1);
        QCOMPARE(stateOf(tier3).first, QStringLiteral("pending")); // a second operator is needed
    }

    void approvalsPanelListsNotificationsThatFailed()
    {
        // One webhook whose template does not render: each notification
        // fails at once (docs/approvals.md).
        QVERIFY(QDir().mkpath(m_dataDir + QStringLiteral("/notify")));
        QFile broken(m_dataDir + QStringLiteral("/notify/broken.json"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(R"({"text": {{no_such_fact}}})");
        broken.close();
        QFile config(DataDirectory::configPath(m_dataDir));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("notify:\n  webhook:\n    pager:\n      url: http://127.0.0.1:9/hook\n      template: notify/broken.json\n");
        config.close();
        QVERIFY(openSession());
        call("focusPanel", QStringLiteral("approvals"));
        QQuickItem *tab = itemNamed(window(), QStringLiteral("showUndelivered"));
        QVERIFY(tab);
        QVERIFY(!tab->isVisible()); // nothing failed yet
        QString id;
        m_session->connection().request(
            this,
            [](Cabinet &cabinet) {
                approvals::NewApproval asked;
                asked.action.kind = approvals::ActionKind::Deploy;
                asked.action.agent = QStringLiteral("forge");
                asked.action.environment = QStringLiteral("production");
                asked.action.target = QStringLiteral("./deploy.sh");
                asked.evidence = R"({"cost_micros":1250000,"command":"./deploy.sh --prod"})";
                auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
                return made ? made->id : QString();
            },
            [&id](QString made) { id = made; });
        QTRY_VERIFY(!id.isEmpty());
        QTRY_VERIFY(shows(tab));
        QVERIFY(tab->property("text").toString().contains(QStringLiteral("(1)")));
        click(tab);
        QQuickItem *list = itemNamed(window(), QStringLiteral("undeliveredList"));
        QTRY_VERIFY(shows(list));
        QVERIFY(visibleText(list, QStringLiteral("pager")));
        QVERIFY(visibleText(list, QStringLiteral("requested of ") + id));

        // docs/images/approvals-undelivered.png is this window, when asked.
        if (const QString png = qEnvironmentVariable("CABINET_TEST_APPROVALS_PNG"); !png.isEmpty()) {
            call("hide", QStringLiteral("scenarios"));
            call("hide", QStringLiteral("ledger"));
            call("hide", QStringLiteral("events"));
            window()->resize(1280, 700);
            QTest::qWait(500);
            QVERIFY(window()->grabWindow().save(png));
        }
    }

    // A person's first run: a task submitted from the Task board's form
    // moves across the columns to its deploy gate, the deploy is approved
    // with one click in the Approvals panel, and the task ends in Done.
    void submittedTaskMovesAndItsDeployIsApprovedByClick()
    {
        QVERIFY(QDir().mkpath(m_dataDir));
        QFile config(DataDirectory::configPath(m_dataDir));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("llm:\n  providers:\n    sim:\n      latency_ms: 0\n      tokens_per_second: 0\n      review_fail_chance: 0\n");
        config.close();
        QVERIFY(openSession());
        call("focusPanel", QStringLiteral("tasks"));
        QQuickItem *show = nullptr;
        QTRY_VERIFY((show = itemNamed(window(), QStringLiteral("showSubmit"))) && shows(show));
        click(show);
        QQuickItem *title = itemNamed(window(), QStringLiteral("titleField"));
        QTRY_VERIFY(shows(title));
        title->setProperty("text", QStringLiteral("Add CSV export to the report"));
        itemNamed(window(), QStringLiteral("inputField"))->setProperty("text", QStringLiteral("{\"goal\": \"CSV export\"}"));
        QQuickItem *submit = itemNamed(window(), QStringLiteral("submitButton"));
        QTRY_VERIFY(submit->isEnabled());
        click(submit);

        // Its card, wherever it is, then in Awaiting approval at the gate.
        auto card = [this] {
            return findItem(window()->contentItem(), [](QQuickItem *item) { return item->objectName().startsWith(u"card_") && item->isVisible(); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(card(), 20000);
        const QString cardName = card()->objectName();
        auto column = [this, cardName]() -> QString {
            QQuickItem *item = itemNamed(window(), cardName);
            for (QQuickItem *parent = item ? item->parentItem() : nullptr; parent; parent = parent->parentItem())
                if (parent->objectName().startsWith(u"column_"))
                    return parent->objectName().mid(7);
            return {};
        };
        QTRY_COMPARE_WITH_TIMEOUT(column(), QStringLiteral("awaiting_approval"), 30000);

        call("focusPanel", QStringLiteral("approvals"));
        QQuickItem *approve = nullptr;
        QTRY_VERIFY((approve = findItem(window()->contentItem(), [](QQuickItem *item) {
                         return item->objectName().startsWith(u"approve_") && item->isVisible() && item->width() > 0;
                     })));
        click(approve);

        call("focusPanel", QStringLiteral("tasks"));
        QTRY_COMPARE_WITH_TIMEOUT(column(), QStringLiteral("done"), 30000);
    }

    void showsWhyTheCoreCouldNotStart()
    {
        test::TestCabinet holder; // holds the data directory's lock
        QVERIFY(holder.open());
        m_dataDir = holder.dir.path();
        QVERIFY(openSession());
        QCOMPARE(m_session->connection().state(), CoreConnection::Failed);
        QVERIFY(!m_session->connection().errorMessage().isEmpty());
        QVERIFY(shows(itemNamed(window(), QStringLiteral("startupError"))));
        QCOMPARE(itemNamed(window(), QStringLiteral("startupErrorMessage"))->property("text").toString(),
            m_session->connection().errorMessage());
        QCOMPARE(
            itemNamed(window(), QStringLiteral("statusCore"))->property("text").toString(), QStringLiteral("Core not running"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
