#include "gui/HistogramItem.h"

#include <QQuickWindow>
#include <QSGRectangleNode>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cabinet::gui {

namespace {

struct Quad {
    QRectF rect;
    QColor color;
};

} // namespace

HistogramItem::HistogramItem(QQuickItem *parent)
    : QQuickItem(parent)
{
    setFlag(ItemHasContents, true);
}

void HistogramItem::setCounts(const QList<qreal> &counts)
{
    if (counts == m_counts)
        return;
    m_counts = counts;
    m_peak = m_counts.isEmpty() ? 0 : *std::max_element(m_counts.cbegin(), m_counts.cend());
    Q_EMIT countsChanged();
    update();
}

void HistogramItem::setMinimum(double minimum)
{
    if (minimum == m_minimum)
        return;
    m_minimum = minimum;
    Q_EMIT rangeChanged();
    update();
}

void HistogramItem::setMaximum(double maximum)
{
    if (maximum == m_maximum)
        return;
    m_maximum = maximum;
    Q_EMIT rangeChanged();
    update();
}

void HistogramItem::setMarkers(const QList<qreal> &markers)
{
    if (markers == m_markers)
        return;
    m_markers = markers;
    Q_EMIT markersChanged();
    update();
}

void HistogramItem::setThreshold(double threshold)
{
    if (threshold == m_threshold || (std::isnan(threshold) && std::isnan(m_threshold)))
        return;
    m_threshold = threshold;
    Q_EMIT thresholdChanged();
    update();
}

void HistogramItem::setBarColor(const QColor &color)
{
    setColor(m_barColor, color);
}

void HistogramItem::setThresholdColor(const QColor &color)
{
    setColor(m_thresholdColor, color);
}

void HistogramItem::setMarkerColor(const QColor &color)
{
    setColor(m_markerColor, color);
}

void HistogramItem::setBaselineColor(const QColor &color)
{
    setColor(m_baselineColor, color);
}

void HistogramItem::setColor(QColor &member, const QColor &color)
{
    if (color == member)
        return;
    member = color;
    Q_EMIT colorsChanged();
    update();
}

qreal HistogramItem::xOf(double value) const
{
    // One value for every outcome: a single bar over the whole width.
    if (!(m_maximum > m_minimum))
        return width() / 2;
    return std::clamp((value - m_minimum) / (m_maximum - m_minimum), 0.0, 1.0) * width();
}

void HistogramItem::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry)
{
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size())
        update();
}

QSGNode *HistogramItem::updatePaintNode(QSGNode *old, UpdatePaintNodeData *)
{
    const qreal dpr = window()->effectiveDevicePixelRatio();
    const qreal pixel = 1.0 / dpr;
    auto snap = [dpr](qreal v) { return std::round(v * dpr) / dpr; };
    const qreal line = std::max(pixel, snap(1.0));
    const qreal w = width();
    const qreal h = height();

    std::vector<Quad> quads;
    const qsizetype bins = m_counts.size();
    if (bins > 0 && w > 0 && h > 0 && m_peak > 0) {
        const qreal binWidth = w / qreal(bins);
        // A gap between bars while they are wide enough to keep one.
        const qreal gap = binWidth >= 4 * pixel ? pixel : 0;
        const bool split = !std::isnan(m_threshold);
        const qreal thresholdX = split ? snap(xOf(m_threshold)) : 0;
        const bool allBelow = split && m_threshold > m_maximum;
        for (qsizetype i = 0; i < bins; ++i) {
            const qreal count = m_counts.at(i);
            if (count <= 0)
                continue;
            // A bin with any outcomes stays visible, however tall the peak.
            const qreal barHeight = std::max(2 * pixel, snap(count / m_peak * h));
            const qreal left = snap(qreal(i) * binWidth);
            const qreal right = std::max(left + pixel, snap(qreal(i + 1) * binWidth) - gap);
            const qreal top = h - barHeight;
            if (!split || (!allBelow && thresholdX <= left)) {
                quads.push_back({ QRectF(QPointF(left, top), QPointF(right, h)), m_barColor });
            } else if (allBelow || thresholdX >= right) {
                quads.push_back({ QRectF(QPointF(left, top), QPointF(right, h)), m_thresholdColor });
            } else {
                quads.push_back({ QRectF(QPointF(left, top), QPointF(thresholdX, h)), m_thresholdColor });
                quads.push_back({ QRectF(QPointF(thresholdX, top), QPointF(right, h)), m_barColor });
            }
        }
        for (qreal marker : std::as_const(m_markers)) {
            if (!std::isfinite(marker))
                continue;
            const qreal x = std::min(snap(xOf(marker)), w - line);
            quads.push_back({ QRectF(x, 0, line, h), m_markerColor });
        }
    }
    if (w > 0 && h > 0)
        quads.push_back({ QRectF(0, h - line, w, line), m_baselineColor });

    // Rectangle nodes rather than one geometry node with our own vertices:
    // the software renderer (offscreen screenshots, machines without a GPU)
    // draws only the scene graph's own node types, and the hardware renderer
    // batches these into a few draw calls all the same.
    QSGNode *root = old ? old : new QSGNode;
    int existing = root->childCount();
    for (size_t i = 0; i < quads.size(); ++i) {
        QSGRectangleNode *node = nullptr;
        if (int(i) < existing) {
            node = static_cast<QSGRectangleNode *>(root->childAtIndex(int(i)));
        } else {
            node = window()->createRectangleNode();
            root->appendChildNode(node);
        }
        node->setRect(quads[i].rect);
        node->setColor(quads[i].color);
    }
    while (existing > int(quads.size())) {
        QSGNode *surplus = root->childAtIndex(--existing);
        root->removeChildNode(surplus);
        delete surplus;
    }
    return root;
}

} // namespace cabinet::gui
