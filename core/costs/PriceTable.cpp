#include "costs/PriceTable.h"

#include "Assert.h"
#include "costs/Money.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace cabinet::costs {

namespace {

QString unquote(QString value)
{
    value = value.trimmed();
    if (value.size() >= 2 && ((value.startsWith(u'"') && value.endsWith(u'"')) || (value.startsWith(u'\'') && value.endsWith(u'\''))))
        return value.mid(1, value.size() - 2);
    return value;
}

// Drops a comment: '#' at the start or after a space, outside quotes.
QString withoutComment(const QString &line)
{
    QChar quote;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == u'"' || c == u'\'') {
            quote = c;
        } else if (c == u'#' && (i == 0 || line[i - 1].isSpace())) {
            return line.left(i);
        }
    }
    return line;
}

} // namespace

Result<PriceTable> PriceTable::parse(const QByteArray &text, const QString &file)
{
    PriceTable table;
    table.m_source = file;
    int lineNo = 0;
    auto refuse = [&](const QString &why) {
        const QString where = QStringLiteral("%1:%2").arg(file).arg(lineNo);
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: %2").arg(where, why), where };
    };
    if (text.size() > PriceFileMaxBytes)
        return refuse(QStringLiteral("the price table is %1 bytes; at most %2").arg(text.size()).arg(PriceFileMaxBytes));
    static const QRegularExpression topKey(QStringLiteral("^([a-z_]+):\\s*(.*)$"));
    static const QRegularExpression modelLine(QStringLiteral("^\\s+([A-Za-z0-9._-]+/[A-Za-z0-9._:/-]+):\\s*\\{(.*)\\}\\s*$"));
    bool inModels = false;
    bool sawVersion = false, sawEffective = false;
    for (const QByteArray &raw : text.split('\n')) {
        ++lineNo;
        const QString line = withoutComment(QString::fromUtf8(raw));
        if (line.trimmed().isEmpty())
            continue;
        if (line.contains(u'\t'))
            return refuse(QStringLiteral("a tab; indent with spaces"));
        if (!line.front().isSpace()) {
            const auto m = topKey.match(line.trimmed());
            if (!m.hasMatch())
                return refuse(QStringLiteral("expected 'version:', 'effective:' or 'models:'"));
            const QString key = m.captured(1);
            const QString value = unquote(m.captured(2));
            inModels = false;
            if (key == QLatin1String("version")) {
                if (value.isEmpty() || value.size() > PriceVersionMax)
                    return refuse(QStringLiteral("the version must be 1 to %1 characters").arg(PriceVersionMax));
                table.m_version = value;
                sawVersion = true;
            } else if (key == QLatin1String("effective")) {
                table.m_effective = QDate::fromString(value, Qt::ISODate);
                if (!table.m_effective.isValid())
                    return refuse(QStringLiteral("the effective date must be YYYY-MM-DD"));
                sawEffective = true;
            } else if (key == QLatin1String("models")) {
                if (!value.isEmpty())
                    return refuse(QStringLiteral("'models:' holds one model a line below it"));
                inModels = true;
            } else {
                return refuse(QStringLiteral("unknown key '%1' (version, effective, models)").arg(key));
            }
            continue;
        }
        if (!inModels)
            return refuse(QStringLiteral("an indented line outside 'models:'"));
        const auto m = modelLine.match(line);
        if (!m.hasMatch())
            return refuse(QStringLiteral("expected '  provider/model: { input: 0.50, output: 1.50, cached_input: 0.25 }'"));
        const QString model = m.captured(1);
        if (table.m_models.count(model))
            return refuse(QStringLiteral("%1 is priced twice").arg(model));
        if (int(table.m_models.size()) >= PricedModelsMax)
            return refuse(QStringLiteral("more than %1 models").arg(PricedModelsMax));
        ModelPrice price;
        price.line = lineNo;
        bool input = false, output = false, cached = false;
        for (const QString &member : m.captured(2).split(u',')) {
            const qsizetype colon = member.indexOf(u':');
            if (colon < 0)
                return refuse(QStringLiteral("expected name: price in %1's prices").arg(model));
            const QString name = member.left(colon).trimmed();
            auto usd = parseUsd(unquote(member.mid(colon + 1)));
            if (!usd)
                return refuse(QStringLiteral("%1's %2: %3").arg(model, name, usd.error().message));
            if (*usd > PricePerMillionMaxMicros)
                return refuse(QStringLiteral("%1's %2 is over %3 USD per million tokens").arg(model, name).arg(PricePerMillionMaxMicros / MicrosPerUsd));
            bool *seen = nullptr;
            if (name == QLatin1String("input")) {
                price.inputMicrosPerMillion = *usd;
                seen = &input;
            } else if (name == QLatin1String("output")) {
                price.outputMicrosPerMillion = *usd;
                seen = &output;
            } else if (name == QLatin1String("cached_input")) {
                price.cachedInputMicrosPerMillion = *usd;
                seen = &cached;
            } else {
                return refuse(QStringLiteral("unknown price '%1' (input, output, cached_input)").arg(name));
            }
            if (*seen)
                return refuse(QStringLiteral("%1's %2 is given twice").arg(model, name));
            *seen = true;
        }
        if (!input || !output)
            return refuse(QStringLiteral("%1 needs an input and an output price").arg(model));
        if (!cached)
            price.cachedInputMicrosPerMillion = price.inputMicrosPerMillion; // no discount given: billed as input
        table.m_models.emplace(model, price);
    }
    if (!sawVersion || !sawEffective) {
        lineNo = 1;
        return refuse(QStringLiteral("the price table needs a 'version:' and an 'effective:' date"));
    }
    return table;
}

Result<PriceTable> PriceTable::load(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (file.size() > PriceFileMaxBytes)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: the price table is %2 bytes; at most %3").arg(path).arg(file.size()).arg(PriceFileMaxBytes),
                       name };
    if (!file.open(QIODevice::ReadOnly))
        return Error { ErrorCode::NotFound, QStringLiteral("%1: %2").arg(path, file.errorString()), name };
    return parse(file.read(PriceFileMaxBytes + 1), path);
}

PriceTable PriceTable::builtIn()
{
    auto table = load(QStringLiteral(":/costs/prices.yaml"));
    // The shipped table is tested (tst_pricetable); failing here is a bug.
    CABINET_ASSERT_MSG(table.ok(), "%s", qPrintable(table ? QString() : table.error().message));
    return *table;
}

std::optional<ModelPrice> PriceTable::price(const QString &provider, const QString &model) const
{
    auto it = m_models.find(provider + u'/' + model);
    if (it == m_models.end())
        return std::nullopt;
    return it->second;
}

qint64 PriceTable::cost(const ModelPrice &price, qint64 input, qint64 cachedInput, qint64 output)
{
    cachedInput = std::clamp<qint64>(cachedInput, 0, std::max<qint64>(input, 0));
    const qint64 fresh = std::max<qint64>(input, 0) - cachedInput;
    // Each part in micro-USD × tokens, summed before the one rounding up.
    const __int128 sum = __int128(fresh) * price.inputMicrosPerMillion + __int128(cachedInput) * price.cachedInputMicrosPerMillion
            + __int128(std::max<qint64>(output, 0)) * price.outputMicrosPerMillion;
    const __int128 cost = (sum + 999'999) / 1'000'000;
    return cost > AmountMaxMicros ? AmountMaxMicros : qint64(cost);
}

} // namespace cabinet::costs
