#include "orchestrator/Ulid.h"

#include "Assert.h"

namespace cabinet::orchestrator {

namespace {

constexpr char Alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int digitValue(QChar c)
{
    const char16_t u = c.unicode();
    for (int i = 0; i < 32; ++i) {
        if (Alphabet[i] == u)
            return i;
    }
    return -1;
}

// 128 bits as two halves: the 48-bit time and 80 random bits, written as 26
// base-32 digits, most significant first (the first digit holds 3 bits).
QString encode(quint64 timeMs, quint64 randomHigh, quint64 randomLow)
{
    const quint64 hi = (timeMs << 16) | (randomHigh & 0xFFFF); // bits 127..64
    const quint64 lo = randomLow;                              // bits 63..0
    QString text(Ulid::TextLength, Qt::Uninitialized);
    QChar *out = text.data();
    for (int i = 0; i < Ulid::TextLength; ++i) {
        const int shift = 125 - 5 * i; // the lowest bit of digit i
        quint64 value;
        if (shift >= 64)
            value = hi >> (shift - 64);
        else if (shift > 59)
            value = (lo >> shift) | (hi << (64 - shift));
        else
            value = lo >> shift;
        out[i] = QLatin1Char(Alphabet[value & 31]);
    }
    return text;
}

} // namespace

bool Ulid::isValid(QStringView text)
{
    if (text.size() != TextLength)
        return false;
    for (QChar c : text) {
        if (digitValue(c) < 0)
            return false;
    }
    return digitValue(text[0]) <= 7; // 128 bits: the first digit holds 3
}

qint64 Ulid::timeMs(QStringView text)
{
    CABINET_ASSERT(isValid(text));
    qint64 ms = 0;
    for (int i = 0; i < 10; ++i) // 10 digits = 50 bits, the top 2 of them zero
        ms = (ms << 5) | digitValue(text[i]);
    return ms;
}

Ulid::Generator::Generator(quint64 seed) : m_random(seed) { }

void Ulid::Generator::raiseFloor(QStringView id)
{
    if (!isValid(id))
        return;
    const qint64 ms = timeMs(id);
    quint64 high = 0, low = 0;
    // Digits 10..25: the 80 random bits.
    for (int i = 10; i < TextLength; ++i) {
        const quint64 digit = quint64(digitValue(id[i]));
        high = (high << 5) | (low >> 59);
        low = (low << 5) | digit;
    }
    high &= 0xFFFF;
    if (ms > m_lastMs || (ms == m_lastMs && (high > m_randomHigh || (high == m_randomHigh && low > m_randomLow)))) {
        m_lastMs = ms;
        m_randomHigh = high;
        m_randomLow = low;
    }
}

QString Ulid::Generator::next(qint64 nowMs)
{
    CABINET_ASSERT_MSG(nowMs >= 0 && nowMs <= TimeMsMax, "time %lld ms is outside what a ULID holds", qlonglong(nowMs));
    if (nowMs > m_lastMs) {
        m_lastMs = nowMs;
        m_randomHigh = m_random() & 0xFFFF;
        m_randomLow = m_random();
        // Room to count up within the millisecond: the top random bit
        // starts clear, so 2^79 ids fit before the time has to move.
        m_randomHigh &= 0x7FFF;
    } else {
        // A random step of 1 .. 2^32, not 1: two generators that raised
        // their floor to the same stored id (the console and the command
        // line on one database, in one millisecond) would otherwise make the
        // same next ids. 2^47 steps still fit in the 2^79 of room.
        const quint64 step = 1 + (m_random() >> 32);
        const quint64 low = m_randomLow + step;
        if (low < m_randomLow && ++m_randomHigh > 0xFFFF) {
            // Past 2^80 in one millisecond cannot happen; move to the next
            // one rather than wrap.
            CABINET_ASSERT(m_lastMs < TimeMsMax);
            ++m_lastMs;
            m_randomHigh = 0;
        }
        m_randomLow = low;
    }
    return encode(quint64(m_lastMs), m_randomHigh, m_randomLow);
}

} // namespace cabinet::orchestrator
