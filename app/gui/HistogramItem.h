#pragma once

#include <QColor>
#include <QList>
#include <QQuickItem>
#include <QtQml/qqmlregistration.h>

#include <limits>

namespace cabinet::gui {

// A histogram drawn by the scene graph: equal-width bars over [minimum,
// maximum], thin vertical markers at given values, and the bars below a
// threshold in another colour. Its nodes are rebuilt only when a property
// changes, with edges on whole device pixels so it stays crisp. Axis labels
// are left to QML, which places them with xOf().
class HistogramItem : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QList<qreal> counts READ counts WRITE setCounts NOTIFY countsChanged)
    Q_PROPERTY(double minimum READ minimum WRITE setMinimum NOTIFY rangeChanged)
    Q_PROPERTY(double maximum READ maximum WRITE setMaximum NOTIFY rangeChanged)
    Q_PROPERTY(QList<qreal> markers READ markers WRITE setMarkers NOTIFY markersChanged)
    // Bars (or the parts of bars) below it take thresholdColor; NaN: none.
    Q_PROPERTY(double threshold READ threshold WRITE setThreshold NOTIFY thresholdChanged)
    Q_PROPERTY(QColor barColor READ barColor WRITE setBarColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor thresholdColor READ thresholdColor WRITE setThresholdColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor markerColor READ markerColor WRITE setMarkerColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor baselineColor READ baselineColor WRITE setBaselineColor NOTIFY colorsChanged)
    Q_PROPERTY(qreal peak READ peak NOTIFY countsChanged) // the highest count
public:
    explicit HistogramItem(QQuickItem *parent = nullptr);

    QList<qreal> counts() const { return m_counts; }
    void setCounts(const QList<qreal> &counts);
    double minimum() const { return m_minimum; }
    void setMinimum(double minimum);
    double maximum() const { return m_maximum; }
    void setMaximum(double maximum);
    QList<qreal> markers() const { return m_markers; }
    void setMarkers(const QList<qreal> &markers);
    double threshold() const { return m_threshold; }
    void setThreshold(double threshold);
    QColor barColor() const { return m_barColor; }
    void setBarColor(const QColor &color);
    QColor thresholdColor() const { return m_thresholdColor; }
    void setThresholdColor(const QColor &color);
    QColor markerColor() const { return m_markerColor; }
    void setMarkerColor(const QColor &color);
    QColor baselineColor() const { return m_baselineColor; }
    void setBaselineColor(const QColor &color);
    qreal peak() const { return m_peak; }

    // The x coordinate of a value, in this item; clamped to its width.
    Q_INVOKABLE qreal xOf(double value) const;

Q_SIGNALS:
    void countsChanged();
    void rangeChanged();
    void markersChanged();
    void thresholdChanged();
    void colorsChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;

private:
    void setColor(QColor &member, const QColor &color);

    QList<qreal> m_counts;
    qreal m_peak = 0;
    double m_minimum = 0;
    double m_maximum = 0;
    QList<qreal> m_markers;
    double m_threshold = std::numeric_limits<double>::quiet_NaN();
    QColor m_barColor { 0x5a, 0x9b, 0xff };
    QColor m_thresholdColor { 0xff, 0x6b, 0x6b };
    QColor m_markerColor { 0xe4, 0xe7, 0xec };
    QColor m_baselineColor { 0x90, 0x99, 0xa8 };
};

} // namespace cabinet::gui
