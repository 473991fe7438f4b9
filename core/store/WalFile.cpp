#include "store/WalFile.h"

#include <QFile>
#include <QFileInfo>

#include <array>
#include <cstring>

namespace cabinet {

namespace {

constexpr quint32 WalMagic = 0x377f0682; // the low bit says which word order the checksums use
constexpr quint32 WalVersion = 3007000;
constexpr int HeaderBytes = 32;
constexpr int FrameHeaderBytes = 24;

quint32 bigEndian32(const uchar *p)
{
    return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
}

quint32 littleEndian32(const uchar *p)
{
    return (quint32(p[3]) << 24) | (quint32(p[2]) << 16) | (quint32(p[1]) << 8) | quint32(p[0]);
}

// SQLite's walChecksumBytes: a running Fibonacci-weighted sum over pairs of
// 32-bit words, read in the order the header's magic names.
void checksum(bool bigEndianWords, const uchar *data, qsizetype bytes, std::array<quint32, 2> &sum)
{
    quint32 s1 = sum[0], s2 = sum[1];
    for (qsizetype i = 0; i + 8 <= bytes; i += 8) {
        const quint32 x0 = bigEndianWords ? bigEndian32(data + i) : littleEndian32(data + i);
        const quint32 x1 = bigEndianWords ? bigEndian32(data + i + 4) : littleEndian32(data + i + 4);
        s1 += x0 + s2;
        s2 += x1 + s1;
    }
    sum = { s1, s2 };
}

} // namespace

Result<WalSummary> WalFile::read(const QString &walPath)
{
    WalSummary summary;
    const QFileInfo info(walPath);
    if (!info.exists())
        return summary;
    summary.exists = true;
    if (info.size() > BytesMax)
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("%1 is %2 bytes, more than the %3 bytes Cabinet checks before replaying a WAL; it was left "
                                      "untouched")
                               .arg(walPath)
                               .arg(info.size())
                               .arg(BytesMax) };
    QFile file(walPath);
    if (!file.open(QIODevice::ReadOnly))
        return Error { ErrorCode::PermissionDenied,
                       QStringLiteral("cannot read %1 to check it belongs to its database: %2").arg(walPath, file.errorString()) };

    const QByteArray header = file.read(HeaderBytes);
    if (header.size() < HeaderBytes)
        return summary; // SQLite ignores a WAL without a whole header
    const auto *h = reinterpret_cast<const uchar *>(header.constData());
    const quint32 magic = bigEndian32(h);
    if ((magic & ~quint32(1)) != WalMagic)
        return summary;
    const bool bigEndianWords = magic & 1;
    const quint32 pageSize = bigEndian32(h + 8);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
        return summary;
    if (bigEndian32(h + 4) != WalVersion)
        // SQLite refuses to open such a WAL at all; so do we.
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is a WAL of a format this build does not know; it was left untouched").arg(walPath) };
    std::array<quint32, 2> sum { 0, 0 };
    checksum(bigEndianWords, h, HeaderBytes - 8, sum);
    if (sum[0] != bigEndian32(h + 24) || sum[1] != bigEndian32(h + 28))
        return summary;
    summary.pageSize = pageSize;

    // Frames after the last commit frame are not replayed: their pages count
    // only once a commit frame closes their transaction.
    QSet<quint32> pending;
    qint64 frames = 0;
    QByteArray frame(FrameHeaderBytes + qsizetype(pageSize), Qt::Uninitialized);
    for (;;) {
        if (file.read(frame.data(), frame.size()) != frame.size())
            break;
        const auto *f = reinterpret_cast<const uchar *>(frame.constData());
        if (memcmp(f + 8, h + 16, 8) != 0)
            break; // salts of an older generation of the log
        const quint32 page = bigEndian32(f);
        if (page == 0)
            break;
        checksum(bigEndianWords, f, 8, sum);
        checksum(bigEndianWords, f + FrameHeaderBytes, pageSize, sum);
        if (sum[0] != bigEndian32(f + 16) || sum[1] != bigEndian32(f + 20))
            break;
        ++frames;
        pending.insert(page);
        if (bigEndian32(f + 4) != 0) { // a commit frame: the database's size in pages after it
            summary.pages.unite(pending);
            pending.clear();
            summary.committedFrames = frames;
        }
    }
    if (file.error() != QFileDevice::NoError)
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read %1: %2").arg(walPath, file.errorString()) };
    return summary;
}

} // namespace cabinet
