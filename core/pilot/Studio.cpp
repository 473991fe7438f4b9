#include "pilot/Studio.h"

#include "pilot/PilotRandom.h"

#include <QtEndian>

#include <algorithm>

namespace cabinet::pilot {

namespace {

constexpr quint64 KeyStream = 1ull << 40;    // participant i's key: stream KeyStream + i
constexpr quint64 OrdersStream = 2ull << 40; // participant i's orders: stream OrdersStream + i
constexpr qint64 BurstSpanMs = 60'000;
constexpr qint64 ReplayDelayMaxMs = 30 * 60'000;

template <typename T> void appendLe(QByteArray &out, T value)
{
    const T le = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&le), sizeof le);
}

} // namespace

QByteArray OrderIntent::signedBytes() const
{
    QByteArray bytes("sovr.intent.v1");
    appendLe<qint32>(bytes, participant);
    appendLe<qint32>(bytes, items);
    appendLe<qint64>(bytes, amountUnits);
    appendLe<quint64>(bytes, nonce);
    appendLe<qint64>(bytes, timeMs);
    return bytes;
}

Studio::Studio(const PilotParams &params) : m_params(params)
{
    m_keys.reserve(size_t(params.participants));
    for (int i = 0; i < params.participants; ++i) {
        PilotRandom random(params.seed, KeyStream + quint64(i));
        std::array<quint8, 32> seed;
        for (size_t b = 0; b < seed.size(); b += 8) {
            const quint64 word = random.next();
            std::memcpy(seed.data() + b, &word, 8);
        }
        m_keys.push_back(KeyPair::fromSeed(seed));
    }
}

void Studio::sign(OrderIntent &intent) const
{
    intent.signature = m_keys[size_t(intent.participant)].sign(intent.signedBytes());
}

std::vector<Submission> Studio::day() const
{
    const qint64 dayMs = qint64(m_params.hours) * 3'600'000;
    std::vector<Submission> out;
    out.reserve(size_t(m_params.participants) * size_t(m_params.ordersPerParticipant + 1));
    for (int p = 0; p < m_params.participants; ++p) {
        PilotRandom random(m_params.seed, OrdersStream + quint64(p));
        const bool burst = random.chance(m_params.burstRate);
        const qint64 burstStart = random.between(0, dayMs - BurstSpanMs - 1);
        std::vector<qint64> times;
        for (int k = 0; k < m_params.ordersPerParticipant; ++k)
            times.push_back(burst ? burstStart + random.between(0, BurstSpanMs) : random.between(0, dayMs - 1));
        std::sort(times.begin(), times.end());
        for (qint64 time : times) {
            Submission s;
            OrderIntent &intent = s.intent;
            intent.participant = p;
            intent.items = int(random.between(1, 12));
            intent.amountUnits = random.between(m_params.orderMinUnits, m_params.orderMaxUnits);
            if (random.chance(m_params.overLimitRate))
                intent.amountUnits = m_params.orderLimitUnits + random.between(1, 5'000);
            intent.nonce = random.next();
            intent.timeMs = time;
            sign(intent);
            if (random.chance(m_params.forgeryRate))
                intent.amountUnits += random.between(1, 1'000); // altered after signing
            s.presentTwice = random.chance(m_params.reuseRate);
            out.push_back(s);
            if (random.chance(m_params.replayRate)) {
                Submission again = s; // the same signed intent, its nonce seen before
                again.presentTwice = false;
                again.intent.timeMs = std::min(dayMs - 1, time + random.between(1, ReplayDelayMaxMs));
                out.push_back(again);
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Submission &a, const Submission &b) {
        return a.intent.timeMs != b.intent.timeMs ? a.intent.timeMs < b.intent.timeMs : a.intent.participant < b.intent.participant;
    });
    return out;
}

} // namespace cabinet::pilot
