#include "audit/AuditLog.h"

#include "Assert.h"
#include "audit/AuditCheckpointer.h"
#include "events/EventBus.h"
#include "store/Database.h"
#include "store/ReadSnapshot.h"

#include <QDateTime>
#include <QJsonDocument>

#include <optional>

namespace cabinet {

namespace {
constexpr int HashBytes = 32;

AuditEntry readEntry(const Statement &row)
{
    return AuditEntry { row.int64(0), row.int64(1), row.text(2), row.text(3), row.text(4), row.blob(5), row.blob(6), row.blob(7) };
}

// Steps a SELECT of SelectColumns to the end, handing each entry to `sink`.
Status readEntries(Statement &select, const std::function<void(const AuditEntry &)> &sink)
{
    for (;;) {
        auto row = select.step();
        if (!row)
            return Error { ErrorCode::Internal, QStringLiteral("cannot read the audit trail: ") + row.error().message };
        if (!*row)
            break;
        sink(readEntry(select));
    }
    select.reset();
    return {};
}

constexpr std::string_view SelectColumns = "SELECT seq, time_ms, actor, action, subject, payload, prev_hash, hash FROM audit_log ";
} // namespace

AuditLog::AuditLog(Database &db, EventBus &events, const Clock &clock, QObject *parent)
    : QObject(parent), m_db(db), m_events(events), m_clock(clock)
{
    qRegisterMetaType<cabinet::AuditEntry>();
}

Result<AuditEntry> AuditLog::append(Transaction &tx, const QString &actor, const QString &action, const QString &subject,
                                    const QJsonObject &payload)
{
    // Written beside the change it records, so in that change's transaction.
    CABINET_ASSERT(&tx.database() == &m_db);
    AuditEntry entry;
    entry.timeMs = m_clock.nowMs();
    entry.actor = actor;
    entry.action = action;
    entry.subject = subject;
    entry.payloadJson = QJsonDocument(payload).toJson(QJsonDocument::Compact);

    auto &head = m_db.statement("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    auto row = head.step();
    if (!row)
        return Error { ErrorCode::Internal, QStringLiteral("cannot read the audit chain: ") + row.error().message };
    if (*row) {
        entry.seq = head.int64(0) + 1;
        entry.prevHash = head.blob(1);
    } else {
        entry.seq = 1;
        entry.prevHash = QByteArray(HashBytes, '\0');
    }
    head.reset();
    entry.hash = entry.computeHash();

    auto &insert = m_db.statement("INSERT INTO audit_log(seq, time_ms, actor, action, subject, payload, prev_hash, hash)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert.bind(1, entry.seq).bind(2, entry.timeMs).bind(3, actor).bind(4, action).bind(5, subject);
    insert.bindText(6, std::string_view(entry.payloadJson.constData(), size_t(entry.payloadJson.size())));
    insert.bindBlob(7, entry.prevHash).bindBlob(8, entry.hash);
    if (auto status = insert.exec(); !status)
        return Error { ErrorCode::Internal, QStringLiteral("cannot append to the audit trail: ") + status.error().message };

    QJsonObject event = entry.toJson();
    if (auto appended = m_events.append(tx, events::AuditAppended, event); !appended)
        return appended.error();
    return entry;
}

Result<AuditEntry> AuditLog::record(const QString &actor, const QString &action, const QString &subject,
                                    const QJsonObject &payload)
{
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto entry = append(*tx, actor, action, subject, payload);
    if (!entry)
        return entry;
    if (auto status = tx->commit(); !status)
        return status.error();
    return entry;
}

AuditEntry AuditLog::fromEvent(const QJsonObject &payload)
{
    AuditEntry entry;
    entry.seq = payload.value(QStringLiteral("seq")).toInteger();
    entry.timeMs = payload.value(QStringLiteral("time_ms")).toInteger();
    entry.actor = payload.value(QStringLiteral("actor")).toString();
    entry.action = payload.value(QStringLiteral("action")).toString();
    entry.subject = payload.value(QStringLiteral("subject")).toString();
    entry.payloadJson = QJsonDocument(payload.value(QStringLiteral("payload")).toObject()).toJson(QJsonDocument::Compact);
    entry.prevHash = QByteArray::fromHex(payload.value(QStringLiteral("prev_hash")).toString().toLatin1());
    entry.hash = QByteArray::fromHex(payload.value(QStringLiteral("hash")).toString().toLatin1());
    return entry;
}

Status AuditLog::forEach(const std::function<void(const AuditEntry &)> &sink) const
{
    return readEntries(m_db.statement(std::string(SelectColumns) + "ORDER BY seq"), sink);
}

Result<AuditLog::Verification> AuditLog::verify() const
{
    auto result = verifyAfter({});
    if (!result || !m_checkpoints)
        return result;
    auto newest = m_checkpoints->newest();
    if (!newest)
        return newest.error();
    if (!*newest)
        return result;
    const SignedCheckpoint &signedHead = **newest;
    result->signedSeq = signedHead.seq;
    result->signedTimeMs = signedHead.timeMs;

    auto &select = m_db.statement(std::string(SelectColumns) + "WHERE seq = ?1");
    select.bind(1, signedHead.seq);
    std::optional<AuditEntry> entry;
    if (auto status = readEntries(select, [&entry](const AuditEntry &found) { entry = found; }); !status)
        return status.error();
    auto &newestSeq = m_db.statement("SELECT coalesce(max(seq), 0) FROM audit_log");
    auto row = newestSeq.step();
    const qint64 lastSeq = row && *row ? newestSeq.int64(0) : 0;
    newestSeq.reset();

    const QString signedAt = QDateTime::fromMSecsSinceEpoch(signedHead.timeMs, Qt::UTC).toString(Qt::ISODateWithMs);
    QString problem;
    qint64 brokenSeq = 0;
    if (!entry) {
        brokenSeq = lastSeq + 1;
        problem = QStringLiteral("the trail ends at entry %1, below the checkpoint signed at %2 for entry %3: entries %4 to %3 are gone "
                                 "(cut off, or the database was restored from an older backup)")
                          .arg(lastSeq)
                          .arg(signedAt)
                          .arg(signedHead.seq)
                          .arg(lastSeq + 1);
    } else if (entry->hash != signedHead.hash) {
        brokenSeq = signedHead.seq;
        problem = QStringLiteral("entry %1 is not the one signed in the checkpoint of %2 (hash %3…, signed %4…): the trail was replaced "
                                 "by another chain or rewritten")
                          .arg(signedHead.seq)
                          .arg(signedAt, QString::fromLatin1(entry->hash.toHex().left(12)), QString::fromLatin1(signedHead.hash.toHex().left(12)));
    }
    if (problem.isEmpty())
        return result;
    result->signedHeld = false;
    if (result->intact) {
        result->intact = false;
        result->firstBrokenSeq = brokenSeq;
        result->reason = problem;
        result->last = {};
    } else {
        result->reason += QStringLiteral("; also, ") + problem;
    }
    return result;
}

Result<AuditLog::Verification> AuditLog::verifyAfter(const Checkpoint &from) const
{
    // One snapshot for the walk and the cross-check, so a writer in another
    // process cannot make a sound trail look cut off.
    const ReadSnapshot snapshot(m_db);
    Verification result;
    QByteArray expectedPrev(HashBytes, '\0');
    qint64 expectedSeq = 1;
    if (from.seq > 0) {
        auto &select = m_db.statement(std::string(SelectColumns) + "WHERE seq = ?1");
        select.bind(1, from.seq);
        std::optional<AuditEntry> anchor;
        if (auto status = readEntries(select, [&anchor](const AuditEntry &entry) { anchor = entry; }); !status)
            return status.error();
        const auto brokenAnchor = [&](const QString &reason) {
            result.intact = false;
            result.firstBrokenSeq = from.seq;
            result.entries = from.seq - 1;
            result.reason = reason;
            return result;
        };
        if (!anchor)
            return brokenAnchor(QStringLiteral("entry %1 is missing").arg(from.seq));
        if (anchor->hash != from.hash || anchor->computeHash() != anchor->hash)
            return brokenAnchor(QStringLiteral("entry %1 was rewritten since it was last verified").arg(from.seq));
        expectedSeq = from.seq + 1;
        expectedPrev = from.hash;
        result.entries = from.seq;
    }
    auto &walk = m_db.statement(std::string(SelectColumns) + "WHERE seq > ?1 ORDER BY seq");
    walk.bind(1, from.seq);
    const Status walked = readEntries(walk, [&](const AuditEntry &entry) {
        if (!result.intact)
            return;
        auto broken = [&](const QString &reason) {
            result.intact = false;
            result.firstBrokenSeq = std::min(entry.seq, expectedSeq);
            result.reason = reason;
        };
        if (entry.seq != expectedSeq)
            broken(QStringLiteral("entry %1 is missing or out of order (found %2)").arg(expectedSeq).arg(entry.seq));
        else if (entry.prevHash != expectedPrev)
            broken(QStringLiteral("entry %1 does not link to the entry before it").arg(entry.seq));
        else if (entry.computeHash() != entry.hash)
            broken(QStringLiteral("entry %1 was altered (its hash does not match its contents)").arg(entry.seq));
        else {
            ++result.entries;
            ++expectedSeq;
            expectedPrev = entry.hash;
        }
    });
    if (!walked)
        return walked.error();
    if (result.intact) {
        // A hash chain cannot see its own tail cut off or its newest entry
        // rewritten; the outbox can, since every append also stored an
        // audit.appended event with the entry's seq and hash.
        auto &announced = m_db.statement("SELECT json_extract(payload, '$.seq'), json_extract(payload, '$.hash') FROM events"
                                         " WHERE type = ?1 ORDER BY seq DESC LIMIT 1");
        announced.bind(1, events::AuditAppended);
        auto row = announced.step();
        const bool any = row && *row;
        const qint64 newestAnnounced = any ? announced.int64(0) : 0;
        const QByteArray announcedHash = any ? QByteArray::fromHex(announced.text(1).toLatin1()) : QByteArray();
        announced.reset();
        if (newestAnnounced >= expectedSeq) {
            result.intact = false;
            result.firstBrokenSeq = expectedSeq;
            result.reason = QStringLiteral("entry %1 is missing (the trail ends at %2 but %3 entries were written)")
                                    .arg(expectedSeq)
                                    .arg(expectedSeq - 1)
                                    .arg(newestAnnounced);
        } else if (newestAnnounced == expectedSeq - 1 && newestAnnounced > 0 && announcedHash != expectedPrev) {
            result.intact = false;
            result.firstBrokenSeq = newestAnnounced;
            --result.entries;
            result.reason = QStringLiteral("entry %1 was rewritten (its hash differs from the one published when it was written)")
                                    .arg(newestAnnounced);
        }
    }
    if (result.intact)
        result.last = { expectedSeq - 1, expectedSeq > 1 ? expectedPrev : QByteArray() };
    return result;
}

Result<QList<AuditEntry>> AuditLog::entriesAfter(qint64 afterSeq, int limit) const
{
    auto &select = m_db.statement(std::string(SelectColumns) + "WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    select.bind(1, afterSeq).bind(2, qint64(limit));
    QList<AuditEntry> result;
    if (auto status = readEntries(select, [&result](const AuditEntry &entry) { result.append(entry); }); !status)
        return status.error();
    return result;
}

Result<QList<AuditEntry>> AuditLog::tail(int count) const
{
    auto &newest = m_db.statement("SELECT coalesce(max(seq), 0) FROM audit_log");
    auto row = newest.step();
    if (!row)
        return Error { ErrorCode::Internal, QStringLiteral("cannot read the audit trail: ") + row.error().message };
    const qint64 last = newest.int64(0);
    newest.reset();
    return entriesAfter(std::max<qint64>(0, last - count), count);
}

} // namespace cabinet
