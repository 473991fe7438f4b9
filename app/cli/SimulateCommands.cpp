// cabinet simulate: a Monte-Carlo run of the scenario engine.
#include "QuotedInput.h"
#include "cli/Command.h"
#include "scenario/ScenarioJson.h"

#include <QFile>
#include <QJsonDocument>
#include <QLocale>

#include <cmath>

namespace cabinet::cli {

namespace {

Result<QJsonObject> readParamsFile(const QString &path)
{
    QFile file(path);
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly) : file.open(QIODevice::ReadOnly);
    if (!opened)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()) };
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: malformed JSON at offset %2: %3").arg(path).arg(error.offset).arg(error.errorString()) };
    if (!document.isObject())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: expected a JSON object of scenario parameters").arg(path) };
    return document.object();
}

void printSummary(QTextStream &out, const gpu::ScenarioResult &r, const gpu::ScenarioParams &params)
{
    auto money = [](double v) { return QString::number(v, 'f', 0); };
    // Without a budget line there is nothing to breach: say so, not "0.00 %".
    const QString breach = std::isfinite(params.budget)
        ? QString::number(100 * r.probability_of_budget_breach, 'f', 2) + QStringLiteral(" % of ") + QString::number(params.budget, 'f', QLocale::FloatingPointShortest)
        : QStringLiteral("- (no budget set)");
    out << "backend     " << QString::fromStdString(r.backend) << " (" << QString::fromStdString(r.device) << "), "
        << QString::number(r.elapsed_ms, 'f', 1) << " ms\n"
        << "scenarios   " << r.scenarios << " x " << r.horizon_days << " days\n"
        << "net outcome mean " << money(r.mean) << "  sd " << money(r.std_dev) << "\n"
        << "            P5 " << money(r.p5) << "  P50 " << money(r.p50) << "  P95 " << money(r.p95) << "\n"
        << "total cost  mean " << money(r.cost_mean) << "  P95 " << money(r.cost_p95) << "\n"
        << "P(loss) " << QString::number(100 * r.probability_of_loss, 'f', 2) << " %   P(budget breach) " << breach
        << "   CVaR 95 % " << money(r.expected_shortfall_95)
        << "\n\nhistogram of the net outcome\n";
    const auto &counts = r.histogram.counts;
    const std::uint64_t peak = counts.empty() ? 1 : std::max<std::uint64_t>(1, *std::max_element(counts.begin(), counts.end()));
    const double width = counts.empty() ? 0 : (r.histogram.max - r.histogram.min) / double(counts.size());
    for (size_t i = 0; i < counts.size(); ++i) {
        const int bar = int(std::lround(40.0 * double(counts[i]) / double(peak)));
        out << QString::number(r.histogram.min + double(i) * width, 'f', 0).rightJustified(14) << " | "
            << QString(bar, u'#') << ' ' << counts[i] << '\n';
    }
}

int simulate(Context &context, QCommandLineParser &parser)
{
    gpu::ScenarioParams params;
    if (parser.isSet(QStringLiteral("params"))) {
        auto json = readParamsFile(parser.value(QStringLiteral("params")));
        if (!json)
            return fail(context, json.error().message, Usage);
        auto parsed = scenario::paramsFromJson(*json);
        if (!parsed)
            return fail(context, QStringLiteral("%1: %2").arg(parser.value(QStringLiteral("params")), parsed.error().message), Usage);
        params = *parsed;
    }
    // Command-line values override the file; they go through the same checks.
    QJsonObject overrides;
    const std::pair<const char *, const char *> flags[] = { { "scenarios", "scenarios" }, { "horizon", "horizon_days" }, { "seed", "seed" } };
    for (const auto &[option, field] : flags) {
        if (parser.isSet(QLatin1String(option)))
            overrides.insert(QLatin1String(field), parser.value(QLatin1String(option)));
    }
    auto parsed = scenario::paramsFromJson(overrides, params);
    if (!parsed)
        return fail(context, parsed.error().message, Usage); // --horizon sets horizon_days
    params = *parsed;

    gpu::RunOptions options;
    bool ok = true;
    options.histogram_bins = parser.value(QStringLiteral("bins")).toUInt(&ok);
    if (!ok)
        return fail(context, QStringLiteral("--bins needs a whole number from 1 to %1, got %2")
                                     .arg(gpu::kMaxHistogramBins)
                                     .arg(quoteInput(parser.value(QStringLiteral("bins")))),
                    Usage);
    options.sample_paths = parser.value(QStringLiteral("paths")).toUInt(&ok);
    if (!ok)
        return fail(context, QStringLiteral("--paths needs a whole number from 0 to %1, got %2")
                                     .arg(gpu::kMaxSamplePaths)
                                     .arg(quoteInput(parser.value(QStringLiteral("paths")))),
                    Usage);
    if (auto problem = gpu::validate(options, params))
        return fail(context, QString::fromStdString(*problem), Usage);

    auto engine = gpu::makeEngine(parser.value(QStringLiteral("backend")).toStdString());
    if (!engine)
        return fail(context, QString::fromStdString(engine.error().message), Usage);
    auto result = (*engine)->run(params, options);
    if (!result)
        return fail(context, QString::fromStdString(result.error().message),
                    result.error().code == gpu::Error::Code::InvalidParameters ? Usage : Failure);

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject json = scenario::resultToJson(*result);
        json.insert(QStringLiteral("params"), scenario::paramsToJson(params));
        // Compact, exactly as scenarios.run answers (docs/api.md).
        context.out << QJsonDocument(json).toJson(QJsonDocument::Compact) << '\n';
    } else {
        printSummary(context.out, *result, params);
    }
    return Ok;
}

} // namespace

std::vector<Command> simulateCommands()
{
    return {
        { { QStringLiteral("simulate") }, {},
          QStringLiteral("Run a Monte-Carlo scenario simulation on the CPU or a CUDA GPU."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("scenarios"), QStringLiteral("Number of scenarios (default 10000)."), QStringLiteral("n") });
              parser.addOption({ QStringLiteral("horizon"), QStringLiteral("Days simulated (default 365)."), QStringLiteral("days") });
              parser.addOption({ QStringLiteral("seed"), QStringLiteral("Random seed: the same seed gives the same answers."), QStringLiteral("s") });
              parser.addOption({ QStringLiteral("backend"), QStringLiteral("auto (CUDA when a GPU is present), cpu or cuda."),
                                 QStringLiteral("name"), QStringLiteral("auto") });
              parser.addOption({ QStringLiteral("params"), QStringLiteral("JSON file of scenario parameters (- for stdin); see docs/scenario-engine.md."),
                                 QStringLiteral("file") });
              parser.addOption({ QStringLiteral("bins"),
                                 QStringLiteral("Histogram bins (default %1).").arg(gpu::kDefaultHistogramBins),
                                 QStringLiteral("n"), QString::number(gpu::kDefaultHistogramBins) });
              parser.addOption({ QStringLiteral("paths"), QStringLiteral("Sample paths to include in --json output."), QStringLiteral("k"),
                                 QStringLiteral("0") });
              parser.addOption({ QStringLiteral("json"), QStringLiteral("Print the result as JSON.") });
          },
          simulate },
    };
}

} // namespace cabinet::cli
