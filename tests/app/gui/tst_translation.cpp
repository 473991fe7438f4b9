#include "gui/Translation.h"

#include <QCoreApplication>
#include <QTest>
#include <QTranslator>

using namespace cabinet::gui;

// The .qm files are embedded and found for a locale; strings from QML
// (context = the file's name) come out translated.
class TestTranslation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanup()
    {
        qputenv("CABINET_LANG", QByteArray());
        const auto translators = QCoreApplication::instance()->findChildren<QTranslator *>();
        for (QTranslator *translator : translators) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }

    void languageFromEnvironment()
    {
        qputenv("CABINET_LANG", "es_ES");
        QCOMPARE(consoleLocale().language(), QLocale::Spanish);
        qputenv("CABINET_LANG", QByteArray());
        QCOMPARE(consoleLocale(), QLocale::system());
    }

    void translates_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("auditTrail");
        QTest::addColumn<QString>("quit");
        QTest::newRow("de") << QStringLiteral("de_DE") << QStringLiteral("Prüfprotokoll") << QStringLiteral("Beenden");
        QTest::newRow("es") << QStringLiteral("es") << QStringLiteral("Registro de auditoría") << QStringLiteral("Salir");
    }

    void translates()
    {
        QFETCH(QString, language);
        QFETCH(QString, auditTrail);
        QFETCH(QString, quit);
        QVERIFY(installTranslation(*QCoreApplication::instance(), QLocale(language)));
        QCOMPARE(QCoreApplication::translate("PanelRegistry", "Audit trail"), auditTrail);
        QCOMPARE(QCoreApplication::translate("StartupBanner", "Quit"), quit);
    }

    void pluralsInEnglish()
    {
        QVERIFY(installTranslation(*QCoreApplication::instance(), QLocale(QLocale::English)));
        QCOMPARE(QCoreApplication::translate("ChainBadge", "Verified (%n entry(s))", nullptr, 1),
            QStringLiteral("Verified (1 entry)"));
        QCOMPARE(QCoreApplication::translate("ChainBadge", "Verified (%n entry(s))", nullptr, 3),
            QStringLiteral("Verified (3 entries)"));
    }

    void untranslatedLanguageFallsBackToEnglish()
    {
        QVERIFY(!installTranslation(*QCoreApplication::instance(), QLocale(QLocale::Japanese)));
        QCOMPARE(QCoreApplication::translate("ChainBadge", "Verified (%n entry(s))", nullptr, 1),
            QStringLiteral("Verified (1 entry)"));
    }
};

QTEST_GUILESS_MAIN(TestTranslation)
#include "tst_translation.moc"
