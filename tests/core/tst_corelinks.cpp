// The core must never link QtGui: it runs on servers with no display stack.
#include <QFile>
#include <QTest>

#include <link.h>

class TestCoreLinks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void linkInterfaceHasNoGui()
    {
        QFile file(QStringLiteral(CABINET_CORE_LINKS_FILE));
        QVERIFY2(file.open(QIODevice::ReadOnly), CABINET_CORE_LINKS_FILE);
        const QByteArray links = file.readAll();
        QVERIFY(links.contains("Qt6::Core"));
        for (const char *forbidden : { "Qt6::Gui", "Qt6::Quick", "Qt6::Qml", "Qt6::Widgets" })
            QVERIFY2(!links.contains(forbidden), forbidden);
    }

    void processLoadsNoGuiLibrary()
    {
        // This test links only cabinet_core and QtTest, so whatever the core
        // pulls in is mapped here.
        QByteArrayList loaded;
        dl_iterate_phdr(
                [](dl_phdr_info *info, size_t, void *data) {
                    static_cast<QByteArrayList *>(data)->append(QByteArray(info->dlpi_name));
                    return 0;
                },
                &loaded);
        QVERIFY(loaded.size() > 1);
        for (const QByteArray &name : loaded)
            QVERIFY2(!name.contains("Qt6Gui") && !name.contains("Qt6Quick"), name.constData());
    }
};

QTEST_GUILESS_MAIN(TestCoreLinks)
#include "tst_corelinks.moc"
