#pragma once

// A strict check of the Prometheus text exposition format (0.0.4) and of
// Prometheus' naming conventions, for the tests of /metrics (beside
// promtoolProblems below, Prometheus' own linter; this checks a little more,
// and runs in the unit tests too): HELP and TYPE once per family and before its samples, families
// contiguous, names and labels well formed, label values escaped, values
// numbers, counters named *_total, base units (no _ms, no micro), no series
// twice, histograms with cumulative buckets ending in le="+Inf" equal to
// _count, and _sum.
#include <QByteArray>
#include <QProcess>
#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QString>

namespace cabinet::test {

inline QString checkPrometheusText(const QByteArray &text)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression sampleLine(QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$"));
    static const QRegularExpression label(QStringLiteral("^([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)"));
    if (!text.endsWith('\n'))
        return QStringLiteral("the text does not end with a newline");
    QMap<QString, QString> types; // family -> type
    QSet<QString> helped, finished, series;
    QString current;
    // Per histogram series (labels without le): the last bucket count and +Inf.
    QMap<QString, double> lastBucket, infBucket, countOf;
    QSet<QString> sums;
    const QList<QByteArray> lines = text.chopped(1).split('\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString line = QString::fromUtf8(lines[n]);
        const QString where = QStringLiteral("line %1: ").arg(n + 1);
        if (line.startsWith(QStringLiteral("# HELP ")) || line.startsWith(QStringLiteral("# TYPE "))) {
            const QStringList parts = line.mid(7).split(u' ');
            const QString family = parts.value(0);
            if (!metricName.match(family).hasMatch() || parts.size() < 2)
                return where + QStringLiteral("a HELP or TYPE line needs a name and text");
            if (finished.contains(family) || (current != family && types.contains(family)))
                return where + QStringLiteral("family %1 is not contiguous").arg(family);
            if (current != family && !current.isEmpty())
                finished.insert(current);
            current = family;
            if (line.startsWith(QStringLiteral("# HELP "))) {
                if (helped.contains(family))
                    return where + QStringLiteral("HELP twice for %1").arg(family);
                helped.insert(family);
                continue;
            }
            if (types.contains(family))
                return where + QStringLiteral("TYPE twice for %1").arg(family);
            const QString type = parts.value(1);
            if (!QStringList { QStringLiteral("counter"), QStringLiteral("gauge"), QStringLiteral("histogram"), QStringLiteral("summary"),
                               QStringLiteral("untyped") }
                         .contains(type)
                || parts.size() != 2)
                return where + QStringLiteral("bad TYPE %1").arg(type);
            if ((type == u"counter") != family.endsWith(QStringLiteral("_total")))
                return where + QStringLiteral("%1: counters, and only counters, end in _total").arg(family);
            if (family.contains(QStringLiteral("_ms")) || family.contains(QStringLiteral("micro")) || family.contains(QStringLiteral("milli")))
                return where + QStringLiteral("%1: use base units (seconds, bytes, usd)").arg(family);
            types.insert(family, type);
            continue;
        }
        if (line.startsWith(u'#'))
            continue; // a comment
        const auto match = sampleLine.match(line);
        if (!match.hasMatch())
            return where + QStringLiteral("not a sample: %1").arg(line);
        const QString name = match.captured(1);
        QString labels = match.captured(3);
        const QString value = match.captured(4);
        QString family = name;
        const QString type = types.value(current);
        if (type == u"histogram") {
            for (const QString suffix : { QStringLiteral("_bucket"), QStringLiteral("_sum"), QStringLiteral("_count") })
                if (name == current + suffix)
                    family = current;
        }
        if (family != current || !types.contains(family))
            return where + QStringLiteral("sample %1 outside its family's TYPE").arg(name);
        bool ok = false;
        const double number = value.toDouble(&ok);
        if (!ok && value != u"+Inf" && value != u"-Inf" && value != u"NaN")
            return where + QStringLiteral("value %1 is not a number").arg(value);
        QString rest = labels, le, withoutLe;
        QSet<QString> labelNames;
        while (!rest.isEmpty()) {
            const auto l = label.match(rest);
            if (!l.hasMatch())
                return where + QStringLiteral("bad labels {%1}").arg(labels);
            if (labelNames.contains(l.captured(1)))
                return where + QStringLiteral("label %1 twice").arg(l.captured(1));
            labelNames.insert(l.captured(1));
            if (l.captured(1) == u"le")
                le = l.captured(2);
            else
                withoutLe += l.captured(1) + u'=' + l.captured(2) + u';';
            rest = rest.mid(l.capturedLength());
        }
        if (series.contains(name + u'{' + labels + u'}'))
            return where + QStringLiteral("series %1{%2} twice").arg(name, labels);
        series.insert(name + u'{' + labels + u'}');
        if (type == u"counter" && ok && number < 0)
            return where + QStringLiteral("counter %1 is negative").arg(name);
        if (type == u"histogram") {
            const QString key = current + u'{' + withoutLe + u'}';
            if (name.endsWith(QStringLiteral("_bucket"))) {
                if (le.isEmpty())
                    return where + QStringLiteral("a bucket without le");
                if (lastBucket.contains(key) && number < lastBucket.value(key))
                    return where + QStringLiteral("buckets of %1 are not cumulative").arg(key);
                lastBucket.insert(key, number);
                if (le == u"+Inf")
                    infBucket.insert(key, number);
            } else if (name.endsWith(QStringLiteral("_count"))) {
                if (!infBucket.contains(key))
                    return where + QStringLiteral("%1 has no le=\"+Inf\" bucket before its _count").arg(key);
                if (infBucket.value(key) != number)
                    return where + QStringLiteral("%1: the +Inf bucket is not _count").arg(key);
                countOf.insert(key, number);
            } else {
                sums.insert(key);
            }
        }
    }
    for (auto it = infBucket.begin(); it != infBucket.end(); ++it)
        if (!countOf.contains(it.key()) || !sums.contains(it.key()))
            return QStringLiteral("histogram %1 lacks _sum or _count").arg(it.key());
    for (auto it = types.begin(); it != types.end(); ++it)
        if (!helped.contains(it.key()))
            return QStringLiteral("%1 has no HELP").arg(it.key());
    return {};
}

// What `promtool check metrics` (Debian's prometheus, installed by
// installer/install-deps.sh) says of `text`; empty when it accepts it.
inline QString promtoolProblems(const QByteArray &text)
{
    QProcess promtool;
    promtool.start(QStringLiteral("promtool"), { QStringLiteral("check"), QStringLiteral("metrics") });
    if (!promtool.waitForStarted())
        return QStringLiteral("promtool did not start (installer/install-deps.sh installs it: Debian's prometheus)");
    promtool.write(text);
    promtool.closeWriteChannel();
    if (!promtool.waitForFinished(30'000))
        return QStringLiteral("promtool did not finish");
    const QString said = QString::fromUtf8(promtool.readAllStandardOutput() + promtool.readAllStandardError()).trimmed();
    if (promtool.exitStatus() != QProcess::NormalExit || promtool.exitCode() != 0 || !said.isEmpty())
        return QStringLiteral("promtool (exit %1): %2").arg(promtool.exitCode()).arg(said);
    return {};
}

} // namespace cabinet::test
