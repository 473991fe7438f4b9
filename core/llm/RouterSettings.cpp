#include "llm/RouterSettings.h"

#include "QuotedInput.h"
#include "config/Config.h"

#include <QRegularExpression>
#include <QSet>

namespace cabinet::llm {

namespace {

// Bounds on what the configuration may ask, each far beyond real use.
constexpr int ConcurrencyMax = 1'024;
constexpr qint64 TimeoutMsMax = 3'600'000;
constexpr qint64 PerMinuteMax = 1'000'000'000;
constexpr int FallbacksMax = 8;

Error badValue(const QString &key, const QString &value, const QString &expected)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("configuration key %1 = %2: %3").arg(key, quoteInput(value), expected), key };
}

struct Reader {
    const std::function<QString(const QString &)> &value;
    std::optional<Error> error;

    template <typename T> void integer(const QString &key, T &target, qint64 low, qint64 high)
    {
        const QString text = value(key).trimmed();
        if (text.isEmpty() || error)
            return;
        bool ok = false;
        const qint64 n = text.toLongLong(&ok);
        if (!ok || n < low || n > high)
            error = badValue(key, text, QStringLiteral("expected a whole number from %1 to %2").arg(low).arg(high));
        else
            target = T(n);
    }
    void real(const QString &key, double &target, double low, double high)
    {
        const QString text = value(key).trimmed();
        if (text.isEmpty() || error)
            return;
        bool ok = false;
        const double n = text.toDouble(&ok);
        if (!ok || !(n >= low && n <= high))
            error = badValue(key, text, QStringLiteral("expected a number from %1 to %2").arg(low).arg(high));
        else
            target = n;
    }
    void text(const QString &key, QString &target)
    {
        const QString t = value(key).trimmed();
        if (!t.isEmpty())
            target = t;
    }
};

// "local/fast" -> "local.fast" in the keys (a key has no slash).
QString aliasKey(const QString &alias) { return QString(alias).replace(u'/', u'.'); }

// An alias, or provider/model on a provider that exists.
bool routable(const RouterSettings &s, const QString &name)
{
    if (s.aliases.count(name))
        return true;
    const auto target = parseTarget(name);
    return target && s.providers.count(target->provider);
}

} // namespace

std::optional<AliasTarget> parseTarget(const QString &text)
{
    const qsizetype slash = text.indexOf(u'/');
    if (slash <= 0 || slash == text.size() - 1)
        return std::nullopt;
    return AliasTarget { text.left(slash).trimmed(), text.mid(slash + 1).trimmed() };
}

RouterSettings RouterSettings::defaults()
{
    RouterSettings s;
    ProviderSettings sim;
    sim.name = QStringLiteral("sim");
    sim.sim = true;
    sim.concurrency = 64;
    sim.timeoutMs = 30'000;
    s.providers.emplace(sim.name, sim);
    for (const QString &alias : StandardAliases)
        s.aliases.emplace(alias, AliasTarget { QStringLiteral("sim"), QString(alias).replace(u'/', u'-') });
    s.fallbacks = {
        { QStringLiteral("cloud/frontier"), { QStringLiteral("cloud/mid"), QStringLiteral("local/quality") } },
        { QStringLiteral("cloud/mid"), { QStringLiteral("cloud/fast"), QStringLiteral("local/quality") } },
        { QStringLiteral("cloud/fast"), { QStringLiteral("local/fast") } },
        { QStringLiteral("local/quality"), { QStringLiteral("local/fast") } },
    };
    // Hawk reviews on a different model from the one Rex builds with.
    s.routing = {
        { QStringLiteral("plan"), QStringLiteral("cloud/frontier") },   { QStringLiteral("research"), QStringLiteral("cloud/mid") },
        { QStringLiteral("build"), QStringLiteral("cloud/frontier") },  { QStringLiteral("review"), QStringLiteral("cloud/mid") },
        { QStringLiteral("deploy"), QStringLiteral("cloud/fast") },     { QStringLiteral("board"), QStringLiteral("cloud/mid") },
        { QStringLiteral("summarize"), QStringLiteral("local/fast") },  { QStringLiteral("default"), QStringLiteral("local/quality") },
    };
    return s;
}

Result<RouterSettings> loadRouterSettings(const std::function<QString(const QString &)> &value, const QStringList &keys)
{
    RouterSettings s = RouterSettings::defaults();
    Reader read { value, std::nullopt };

    // Providers: "sim" and every name under llm.providers.
    QStringList names { QStringLiteral("sim") };
    QSet<QString> aliasesSet;
    QSet<QString> routingSet;
    QSet<QString> fallbackSet;
    static const QString providersPrefix = QStringLiteral("llm.providers.");
    for (const QString &key : keys) {
        if (key.startsWith(providersPrefix)) {
            const QString name = key.mid(providersPrefix.size()).section(u'.', 0, 0);
            if (!names.contains(name))
                names.append(name);
        } else if (key.startsWith(QLatin1String("llm.aliases."))) {
            aliasesSet.insert(key.mid(12).replace(u'.', u'/'));
        } else if (key.startsWith(QLatin1String("llm.fallbacks."))) {
            fallbackSet.insert(key.mid(14).replace(u'.', u'/'));
        } else if (key.startsWith(QLatin1String("llm.routing."))) {
            routingSet.insert(key.mid(12));
        }
    }
    for (const QString &name : names) {
        const QString p = providersPrefix + name + u'.';
        ProviderSettings provider = s.providers.count(name) ? s.providers.at(name) : ProviderSettings {};
        provider.name = name;
        QString kind = provider.sim ? QStringLiteral("sim") : QStringLiteral("openai");
        read.text(p + QStringLiteral("kind"), kind);
        if (kind != QLatin1String("sim") && kind != QLatin1String("openai"))
            return badValue(p + QStringLiteral("kind"), kind, QStringLiteral("expected openai (any OpenAI-compatible server) or sim"));
        provider.sim = kind == QLatin1String("sim");
        read.text(p + QStringLiteral("base_url"), provider.baseUrl);
        read.text(p + QStringLiteral("api_key_env"), provider.apiKeyEnv);
        read.integer(p + QStringLiteral("concurrency"), provider.concurrency, 1, ConcurrencyMax);
        read.integer(p + QStringLiteral("connect_timeout_ms"), provider.connectTimeoutMs, 1, TimeoutMsMax);
        read.integer(p + QStringLiteral("timeout_ms"), provider.timeoutMs, 1, TimeoutMsMax);
        read.integer(p + QStringLiteral("requests_per_minute"), provider.requestsPerMinute, 0, PerMinuteMax);
        read.integer(p + QStringLiteral("tokens_per_minute"), provider.tokensPerMinute, 0, PerMinuteMax);
        read.integer(p + QStringLiteral("breaker_failures"), provider.breakerFailures, 1, 1'000);
        read.integer(p + QStringLiteral("breaker_cooldown_ms"), provider.breakerCooldownMs, 0, TimeoutMsMax);
        SimSettings &sim = provider.simSettings;
        read.integer(p + QStringLiteral("seed"), sim.seed, 0, std::numeric_limits<qint64>::max());
        read.real(p + QStringLiteral("tokens_per_second"), sim.tokensPerSecond, 0, 1e6);
        read.integer(p + QStringLiteral("latency_ms"), sim.latencyMs, 0, TimeoutMsMax);
        read.real(p + QStringLiteral("rate_limit_chance"), sim.rateLimitChance, 0, 1);
        read.real(p + QStringLiteral("server_error_chance"), sim.serverErrorChance, 0, 1);
        read.real(p + QStringLiteral("timeout_chance"), sim.timeoutChance, 0, 1);
        read.real(p + QStringLiteral("review_fail_chance"), sim.reviewFailChance, 0, 1);
        if (read.error)
            return *read.error;
        for (const char *secret : { "api_key", "key", "token", "password" })
            if (keys.contains(p + QLatin1String(secret)))
                return Error { ErrorCode::InvalidArgument,
                               QStringLiteral("%1: a key never goes in the configuration; put it in an environment variable and name "
                                              "the variable in %2").arg(p + QLatin1String(secret), p + QStringLiteral("api_key_env")),
                               p + QLatin1String(secret) };
        // Extra headers: llm.providers.<name>.headers.<header> (underscores
        // in the key's last word are the header's hyphens: x_title -> X-Title).
        provider.headers.clear();
        const QString headerPrefix = p + QStringLiteral("headers.");
        for (const QString &key : keys) {
            if (!key.startsWith(headerPrefix))
                continue;
            QStringList words = key.mid(headerPrefix.size()).split(u'_');
            for (QString &word : words)
                if (!word.isEmpty())
                    word[0] = word[0].toUpper();
            provider.headers.append({ words.join(u'-').toLatin1(), value(key).toUtf8() });
        }
        if (!provider.sim && provider.baseUrl.isEmpty())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("provider %1 has no %2").arg(quoteInput(name), p + QStringLiteral("base_url")), p + QStringLiteral("base_url") };
        if (!provider.sim && !provider.baseUrl.startsWith(QLatin1String("http://")) && !provider.baseUrl.startsWith(QLatin1String("https://")))
            return badValue(p + QStringLiteral("base_url"), provider.baseUrl, QStringLiteral("expected an http:// or https:// URL"));
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (!provider.apiKeyEnv.isEmpty() && !envName.match(provider.apiKeyEnv).hasMatch())
            return badValue(p + QStringLiteral("api_key_env"), provider.apiKeyEnv,
                            QStringLiteral("expected the NAME of an environment variable (the key itself never goes in the configuration)"));
        s.providers[name] = provider;
    }

    for (const QString &alias : StandardAliases)
        aliasesSet.insert(alias);
    for (const QString &alias : aliasesSet) {
        const QString key = QStringLiteral("llm.aliases.") + aliasKey(alias);
        const QString text = value(key).trimmed();
        if (text.isEmpty())
            continue;
        const auto target = parseTarget(text);
        if (!target)
            return badValue(key, text, QStringLiteral("expected provider/model, e.g. sim/cloud-mid or openai/gpt-4o-mini"));
        if (!s.providers.count(target->provider))
            return badValue(key, text, QStringLiteral("no provider named %1 (llm.providers.%1.base_url)").arg(target->provider));
        s.aliases[alias] = *target;
    }
    for (const auto &[alias, target] : s.aliases)
        fallbackSet.insert(alias);
    for (const QString &alias : fallbackSet) {
        const QString key = QStringLiteral("llm.fallbacks.") + aliasKey(alias);
        const QString text = value(key);
        if (text.isNull() || (text.isEmpty() && !keys.contains(key)))
            continue;
        QStringList chain;
        for (const QString &part : text.split(u',', Qt::SkipEmptyParts))
            if (!part.trimmed().isEmpty() && part.trimmed() != QLatin1String("none"))
                chain.append(part.trimmed());
        if (chain.size() > FallbacksMax)
            return badValue(key, text, QStringLiteral("at most %1 fallbacks").arg(FallbacksMax));
        for (const QString &next : chain)
            if (!routable(s, next))
                return badValue(key, text, QStringLiteral("%1 is not an alias").arg(quoteInput(next)));
        s.fallbacks[alias] = chain;
    }
    for (const auto &[task, alias] : RouterSettings::defaults().routing)
        routingSet.insert(task);
    for (const QString &task : routingSet) {
        const QString key = QStringLiteral("llm.routing.") + task;
        const QString alias = value(key).trimmed();
        if (alias.isEmpty())
            continue;
        if (!routable(s, alias))
            return badValue(key, alias, QStringLiteral("expected an alias (%1)").arg(StandardAliases.join(QStringLiteral(", "))));
        s.routing[task] = alias;
    }
    return s;
}

Result<RouterSettings> loadRouterSettings(const Config &config)
{
    QStringList keys;
    for (const Config::Item &item : config.items())
        if (item.key.startsWith(QLatin1String("llm.")))
            keys.append(item.key);
    return loadRouterSettings([&config](const QString &key) { return config.value(key); }, keys);
}

} // namespace cabinet::llm
