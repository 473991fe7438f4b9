#include "gui/HistogramItem.h"

#include <QQuickWindow>
#include <QSignalSpy>
#include <QTest>

using namespace cabinet::gui;

namespace {
bool hasColour(const QImage &image, const QColor &colour, const QRect &area)
{
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            if (image.pixelColor(x, y) == colour)
                return true;
        }
    }
    return false;
}
} // namespace

// The scene-graph histogram, rendered offscreen.
class TestHistogramItem : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mapsValuesToX()
    {
        HistogramItem item;
        item.setSize(QSizeF(200, 100));
        item.setMinimum(-100);
        item.setMaximum(300);
        QCOMPARE(item.xOf(-100), 0.0);
        QCOMPARE(item.xOf(100), 100.0);
        QCOMPARE(item.xOf(300), 200.0);
        QCOMPARE(item.xOf(1e9), 200.0); // clamped
        item.setMaximum(-100);
        QCOMPARE(item.xOf(5), 100.0); // one value: the middle

        QSignalSpy counts(&item, &HistogramItem::countsChanged);
        item.setCounts({ 1, 7, 3 });
        QCOMPARE(item.peak(), 7.0);
        item.setCounts({ 1, 7, 3 });
        QCOMPARE(counts.count(), 1);
    }

    void drawsBarsMarkersAndTheThreshold()
    {
        QQuickWindow window;
        window.resize(220, 120);
        window.setColor(Qt::white);
        auto *item = new HistogramItem(window.contentItem());
        item->setPosition(QPointF(10, 10));
        item->setSize(QSizeF(200, 100));
        const QColor bar(0, 0, 255), below(255, 0, 0), marker(0, 160, 0);
        item->setBarColor(bar);
        item->setThresholdColor(below);
        item->setMarkerColor(marker);
        item->setMinimum(0);
        item->setMaximum(4);
        item->setCounts({ 4, 2, 0, 1 });
        item->setThreshold(1); // the first bar is below it
        item->setMarkers({ 3 });
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QImage image = window.grabWindow();
        QCOMPARE(image.size(), QSize(220, 120));
        // Bar 0 (x 10..60) full height in the threshold colour, bar 1 half height in the bar colour.
        QVERIFY(hasColour(image, below, QRect(15, 15, 40, 5)));
        QVERIFY(!hasColour(image, bar, QRect(65, 15, 40, 40)));
        QVERIFY(hasColour(image, bar, QRect(65, 70, 40, 5)));
        // Bin 2 is empty; bin 3 is a quarter high.
        QVERIFY(!hasColour(image, bar, QRect(112, 15, 35, 90)));
        QVERIFY(hasColour(image, bar, QRect(165, 95, 40, 10)));
        // The marker at 3: x = 10 + 150.
        QVERIFY(hasColour(image, marker, QRect(158, 15, 5, 10)));

        // Without a threshold every bar takes the bar colour.
        item->setThreshold(qQNaN());
        QTRY_VERIFY(!hasColour(window.grabWindow(), below, QRect(10, 10, 200, 100)));
    }
};

QTEST_MAIN(TestHistogramItem)
#include "tst_histogramitem.moc"
