#pragma once

#include "Result.h"
#include "llm/Provider.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>

namespace cabinet {
class Config;
}

namespace cabinet::llm {

// The aliases agents name, after LiteLLM's.
inline const QStringList StandardAliases = { QStringLiteral("local/fast"), QStringLiteral("local/quality"), QStringLiteral("cloud/fast"),
                                             QStringLiteral("cloud/mid"), QStringLiteral("cloud/frontier") };

struct AliasTarget {
    QString provider;
    QString model;
    QString text() const { return provider + u'/' + model; }
};

// Everything the Router is told by the configuration (docs/models.md).
struct RouterSettings {
    std::map<QString, ProviderSettings> providers; // always holds "sim"
    std::map<QString, AliasTarget> aliases;        // "cloud/mid" -> sim / cloud-mid
    std::map<QString, QStringList> fallbacks;      // alias -> the aliases tried after it, in order
    std::map<QString, QString> routing;            // task type -> alias; "default" for the rest

    // Everything offline: each alias on a `sim/...` model.
    static RouterSettings defaults();
};

// Reads llm.* from the configuration over the defaults. `value` gives a key's
// effective value (empty when unset); `keys` are the keys set anywhere (the
// provider names are found among them). A value that does not read is an
// error naming its key.
Result<RouterSettings> loadRouterSettings(const std::function<QString(const QString &)> &value, const QStringList &keys);
Result<RouterSettings> loadRouterSettings(const Config &config);

// "provider/model" (the model may hold more slashes).
std::optional<AliasTarget> parseTarget(const QString &text);

} // namespace cabinet::llm
