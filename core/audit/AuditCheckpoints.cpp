#include "audit/AuditCheckpoints.h"

#include "Assert.h"
#include "store/DirectoryIdentity.h"
#include "store/DurableFile.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <sodium.h>
#include <sys/stat.h>

namespace cabinet {

namespace {

constexpr int HashBytes = 32;
const QByteArray KeyPrefix = QByteArrayLiteral("ed25519-seed ");

QByteArray hexField(const QJsonObject &object, const char *name, int bytes, bool *ok)
{
    const QString text = object.value(QLatin1String(name)).toString();
    const QByteArray value = QByteArray::fromHex(text.toLatin1());
    if (text.size() != bytes * 2 || value.size() != bytes || value.toHex() != text.toLatin1())
        *ok = false;
    return value;
}

} // namespace

QByteArray SignedCheckpoint::signedMessage() const
{
    return QByteArrayLiteral("cabinet audit checkpoint v1\n") + directoryId.toLatin1() + '\n' + QByteArray::number(seq) + '\n'
            + hash.toHex() + '\n' + QByteArray::number(timeMs) + '\n';
}

QByteArray SignedCheckpoint::toJson() const
{
    const QJsonObject object { { QStringLiteral("format"), QStringLiteral("cabinet-audit-checkpoint/1") },
                               { QStringLiteral("directory_id"), directoryId },
                               { QStringLiteral("seq"), seq },
                               { QStringLiteral("hash"), QString::fromLatin1(hash.toHex()) },
                               { QStringLiteral("time_ms"), timeMs },
                               { QStringLiteral("public_key"), QString::fromLatin1(publicKey.toHex()) },
                               { QStringLiteral("signature"), QString::fromLatin1(signature.toHex()) } };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<SignedCheckpoint> SignedCheckpoint::fromJson(const QByteArray &line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error { ErrorCode::DataLoss, QStringLiteral("not a JSON object (%1)").arg(parseError.errorString()) };
    const QJsonObject object = document.object();
    if (object.value(QStringLiteral("format")).toString() != QLatin1String("cabinet-audit-checkpoint/1"))
        return Error { ErrorCode::DataLoss, QStringLiteral("not a checkpoint of a format this build knows") };
    SignedCheckpoint checkpoint;
    bool ok = object.value(QStringLiteral("seq")).isDouble() && object.value(QStringLiteral("time_ms")).isDouble();
    checkpoint.directoryId = object.value(QStringLiteral("directory_id")).toString();
    checkpoint.seq = object.value(QStringLiteral("seq")).toInteger(-1);
    checkpoint.timeMs = object.value(QStringLiteral("time_ms")).toInteger(-1);
    checkpoint.hash = hexField(object, "hash", HashBytes, &ok);
    checkpoint.publicKey = hexField(object, "public_key", crypto_sign_PUBLICKEYBYTES, &ok);
    checkpoint.signature = hexField(object, "signature", crypto_sign_BYTES, &ok);
    if (!ok || checkpoint.seq < 1 || checkpoint.timeMs < 0 || checkpoint.directoryId.size() != 32)
        return Error { ErrorCode::DataLoss, QStringLiteral("a field is missing or malformed") };
    return checkpoint;
}

Result<std::unique_ptr<AuditCheckpoints>> AuditCheckpoints::open(const QString &dataDir, const QString &directoryId, Mode mode)
{
    if (sodium_init() < 0)
        return Error { ErrorCode::Internal, QStringLiteral("libsodium failed to initialise") };
    std::unique_ptr<AuditCheckpoints> checkpoints(new AuditCheckpoints);
    checkpoints->m_directoryId = directoryId;
    checkpoints->m_logPath = DirectoryIdentity::checkpointLogPath(dataDir);
    checkpoints->m_keyPath = DirectoryIdentity::signingKeyPath(dataDir);
    if (directoryId.isEmpty())
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the audit trail of %1 cannot be signed before the data directory has "
                                                                     "an identity")
                                                              .arg(dataDir) };
    const bool haveKey = QFileInfo::exists(checkpoints->m_keyPath);
    if (haveKey) {
        if (auto loaded = checkpoints->loadKey(mode == Mode::Sign); !loaded)
            return loaded.error();
    } else if (mode == Mode::Sign) {
        // A new key would make every checkpoint already in the log look
        // forged; the old one must come back instead.
        if (QFileInfo(checkpoints->m_logPath).size() > 0)
            return Error { ErrorCode::FailedPrecondition,
                           QStringLiteral("the audit signing key %1 is missing, but %2 holds checkpoints signed with it: restore the "
                                          "key from a backup of this folder; no new checkpoint is signed until then")
                                   .arg(checkpoints->m_keyPath, checkpoints->m_logPath) };
        if (auto created = checkpoints->createKey(); !created)
            return created.error();
    }
    return checkpoints;
}

Status AuditCheckpoints::loadKey(bool forSigning)
{
    if (forSigning) {
        // Like ssh with its keys: a secret others can read is no longer one,
        // so it signs nothing until it is owner-only again.
        struct stat info = {};
        if (::stat(QFile::encodeName(m_keyPath).constData(), &info) != 0)
            return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read the audit signing key %1").arg(m_keyPath) };
        if ((info.st_mode & 077) != 0)
            return Error { ErrorCode::FailedPrecondition,
                           QStringLiteral("the audit signing key %1 can be read by others (mode %2); run chmod 600 on it. No "
                                          "checkpoint is signed with it until then.")
                                   .arg(m_keyPath, QString::number(info.st_mode & 0777, 8)) };
    }
    auto bytes = durable::read(m_keyPath, KeyFileBytesMax);
    if (!bytes)
        return bytes.error();
    const QByteArray text = bytes->trimmed();
    const QByteArray seed = QByteArray::fromHex(text.mid(KeyPrefix.size()));
    if (!text.startsWith(KeyPrefix) || seed.size() != crypto_sign_SEEDBYTES || seed.toHex() != text.mid(KeyPrefix.size()))
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is not an audit signing key (\"ed25519-seed\" and 64 hex digits)").arg(m_keyPath) };
    QByteArray publicKey(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized);
    QByteArray secretKey(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized);
    crypto_sign_seed_keypair(reinterpret_cast<uchar *>(publicKey.data()), reinterpret_cast<uchar *>(secretKey.data()),
                             reinterpret_cast<const uchar *>(seed.constData()));
    m_publicKey = publicKey;
    if (forSigning)
        m_secretKey = secretKey;
    return {};
}

Status AuditCheckpoints::createKey()
{
    QByteArray seed(crypto_sign_SEEDBYTES, Qt::Uninitialized);
    randombytes_buf(seed.data(), size_t(seed.size()));
    if (auto written = durable::createFile(m_keyPath, KeyPrefix + seed.toHex() + '\n', 0600); !written)
        return written.error();
    return loadKey(true);
}

Result<std::optional<SignedCheckpoint>> AuditCheckpoints::newest() const
{
    QFile file(m_logPath);
    if (!file.exists())
        return std::optional<SignedCheckpoint>();
    if (!file.open(QIODevice::ReadOnly))
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read %1: %2").arg(m_logPath, file.errorString()) };
    // Only the end is read: the log grows by a line per checkpoint for as
    // long as the folder lives.
    const qint64 size = file.size();
    const qint64 window = std::min(size, 2 * LineBytesMax);
    if (!file.seek(size - window))
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read %1: %2").arg(m_logPath, file.errorString()) };
    const QByteArray tail = file.read(window);
    // Bytes after the last line break are an append cut short by a crash:
    // that checkpoint was never made.
    const qsizetype end = tail.lastIndexOf('\n');
    if (end < 0) {
        if (size > LineBytesMax)
            return Error { ErrorCode::DataLoss, QStringLiteral("%1 holds no checkpoint line: it is damaged").arg(m_logPath) };
        return std::optional<SignedCheckpoint>();
    }
    const qsizetype start = end == 0 ? 0 : tail.lastIndexOf('\n', end - 1) + 1;
    if (start == 0 && window < size && end >= LineBytesMax)
        return Error { ErrorCode::DataLoss, QStringLiteral("the last line of %1 is longer than any checkpoint: it is damaged").arg(m_logPath) };
    const QByteArray line = tail.mid(start, end - start);
    const auto damaged = [&](const QString &why) {
        return Error { ErrorCode::DataLoss, QStringLiteral("the newest checkpoint in %1 does not verify: %2. The log was damaged or "
                                                           "tampered with; compare it with the copy your witness keeps "
                                                           "(cabinet audit checkpoint --export)")
                                                    .arg(m_logPath, why) };
    };
    auto parsed = SignedCheckpoint::fromJson(line);
    if (!parsed)
        return damaged(parsed.error().message);
    if (parsed->directoryId != m_directoryId)
        return damaged(QStringLiteral("it was signed for data directory %1, and this one is %2").arg(parsed->directoryId, m_directoryId));
    if (m_publicKey.isEmpty())
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the audit signing key %1 is missing, so the checkpoints in %2 cannot be "
                                                                     "checked: restore it from a backup of this folder")
                                                              .arg(m_keyPath, m_logPath) };
    if (parsed->publicKey != m_publicKey)
        return damaged(QStringLiteral("it was signed with another key than %1").arg(m_keyPath));
    const QByteArray message = parsed->signedMessage();
    if (crypto_sign_verify_detached(reinterpret_cast<const uchar *>(parsed->signature.constData()),
                                    reinterpret_cast<const uchar *>(message.constData()), quint64(message.size()),
                                    reinterpret_cast<const uchar *>(m_publicKey.constData()))
        != 0)
        return damaged(QStringLiteral("its signature is not valid"));
    return std::optional<SignedCheckpoint>(*parsed);
}

Result<SignedCheckpoint> AuditCheckpoints::sign(qint64 seq, const QByteArray &hash, qint64 timeMs)
{
    CABINET_ASSERT(seq > 0 && hash.size() == HashBytes);
    if (!canSign())
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the audit checkpoints of %1 are open read-only").arg(m_logPath) };
    SignedCheckpoint checkpoint;
    checkpoint.directoryId = m_directoryId;
    checkpoint.seq = seq;
    checkpoint.hash = hash;
    checkpoint.timeMs = timeMs;
    checkpoint.publicKey = m_publicKey;
    checkpoint.signature = QByteArray(crypto_sign_BYTES, Qt::Uninitialized);
    const QByteArray message = checkpoint.signedMessage();
    crypto_sign_detached(reinterpret_cast<uchar *>(checkpoint.signature.data()), nullptr,
                         reinterpret_cast<const uchar *>(message.constData()), quint64(message.size()),
                         reinterpret_cast<const uchar *>(m_secretKey.constData()));
    const QByteArray line = checkpoint.toJson() + '\n';
    CABINET_ASSERT_MSG(line.size() <= LineBytesMax, "checkpoint line of %lld bytes", qint64(line.size()));
    if (auto appended = durable::append(m_logPath, line, 0644); !appended)
        return appended.error();
    return checkpoint;
}

} // namespace cabinet
