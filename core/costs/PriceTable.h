#pragma once

#include "Result.h"

#include <QDate>
#include <QString>

#include <map>
#include <optional>

namespace cabinet::costs {

// Limits on a price table, checked before the work they would cost.
inline constexpr qint64 PriceFileMaxBytes = 64 * 1024;
inline constexpr int PricedModelsMax = 1'000;
inline constexpr int PriceVersionMax = 64; // characters
// USD per million tokens; above it a price is surely a typo.
inline constexpr qint64 PricePerMillionMaxMicros = 10'000LL * 1'000'000;

// Micro-USD per million tokens, exact: "0.15" per million is 150000.
struct ModelPrice {
    qint64 inputMicrosPerMillion = 0;
    qint64 outputMicrosPerMillion = 0;
    qint64 cachedInputMicrosPerMillion = 0;
    int line = 0; // where it was read, for messages
};

// The price table (docs/costs.md): per model ("provider/model", as the
// router names a target), USD per million input, output and cached-input
// tokens, with a version and an effective date. The file is a strict,
// line-based subset of YAML, read by our own parser so that every price is
// decimal text turned into an integer exactly (never a float) and every
// problem names its line:
//
//   version: "2026-12-01.1"
//   effective: 2026-12-01
//   models:
//     sim/cloud-mid: { input: 0.50, output: 1.50, cached_input: 0.25 }
class PriceTable {
public:
    // Parses `text`; an error names `file` and the line in its message and
    // field ("prices.yaml:7").
    static Result<PriceTable> parse(const QByteArray &text, const QString &file);
    // Reads and parses a file, refusing one over PriceFileMaxBytes unread.
    static Result<PriceTable> load(const QString &path);
    // The table shipped with the program (resources/prices.yaml).
    static PriceTable builtIn();

    const QString &version() const { return m_version; }
    const QDate &effective() const { return m_effective; }
    const QString &source() const { return m_source; }
    const std::map<QString, ModelPrice> &models() const { return m_models; }
    // The price of provider/model; none: a pricing gap.
    std::optional<ModelPrice> price(const QString &provider, const QString &model) const;

    // What a call costs, rounded up to the micro-dollar, cached input tokens
    // being part of `input` billed at the cached price.
    static qint64 cost(const ModelPrice &price, qint64 input, qint64 cachedInput, qint64 output);

private:
    QString m_version;
    QDate m_effective;
    QString m_source;
    std::map<QString, ModelPrice> m_models;
};

} // namespace cabinet::costs
