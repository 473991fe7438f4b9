#include "costs/CostAccounts.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <cstring>

namespace cabinet::costs {

ledger::u128 accountId(const QString &kind, const QString &name)
{
    const QByteArray digest = QCryptographicHash::hash(QStringLiteral("cabinet.costs/%1/%2").arg(kind, name).toUtf8(), QCryptographicHash::Sha256);
    ledger::u128 id = 0;
    std::memcpy(&id, digest.constData(), sizeof id);
    // 0 and the maximum are not ids; one chance in 2^127 each.
    return id == 0 || id == ledger::U128Max ? 1 : id;
}

ledger::u128 newTransferId()
{
    for (;;) {
        const ledger::u128 id = (ledger::u128(QRandomGenerator::global()->generate64()) << 64) | QRandomGenerator::global()->generate64();
        if (id != 0 && id != ledger::U128Max)
            return id;
    }
}

} // namespace cabinet::costs
