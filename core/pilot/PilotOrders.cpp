#include "pilot/PilotOrders.h"

#include "Actor.h"
#include "Assert.h"
#include "ledger/U128.h"
#include "pilot/PilotDay.h"

namespace cabinet::pilot {

namespace {

// A second presentation of an attestation comes this long after the first.
constexpr qint64 SecondPresentationMs = 60'000;

} // namespace

PilotOrders::PilotOrders(quint32 run, const PilotParams &params) : m_run(run), m_params(params)
{
    const Studio studio = m_clock.time(QStringLiteral("studio"), [&] { return Studio(m_params); });
    m_submissions = m_clock.time(QStringLiteral("studio"), [&] { return studio.day(); });
    m_attestor = std::make_unique<Attestor>(m_params, m_run, KeyPair::generate());
    for (int p = 0; p < studio.participants(); ++p)
        m_attestor->enroll(p, studio.publicKey(p));
    m_terminal = std::make_unique<CreditTerminal>(m_params, m_run, m_attestor->publicKey());
}

qint64 PilotOrders::windows() const
{
    const qint64 dayMs = qint64(m_params.hours) * 3'600'000;
    return (dayMs + WindowMs - 1) / WindowMs;
}

WindowOrders PilotOrders::next()
{
    CABINET_ASSERT(!done());
    const qint64 windowEnd = (m_window + 1) * WindowMs;
    ++m_window;
    WindowOrders w;
    const QString runText = QString::number(m_run);
    const QString terminalActor = Actor::system(QStringLiteral("pilot-terminal")).toString();
    for (; m_next < m_submissions.size() && m_submissions[m_next].intent.timeMs < windowEnd; ++m_next) {
        const Submission &s = m_submissions[m_next];
        const qint64 now = s.intent.timeMs;
        auto attested = m_clock.time(QStringLiteral("attestor"), [&] { return m_attestor->attest(s.intent, now); });
        if (auto *refused = std::get_if<AttestorRefusal>(&attested)) {
            ++w.attestorRefusals[*refused];
            w.refusals.push_back({ QStringLiteral("system:pilot-attestor"), QStringLiteral("pilot.attestation_refused"),
                                   QStringLiteral("run %1 participant %2").arg(runText).arg(s.intent.participant),
                                   { { QStringLiteral("run"), qint64(m_run) }, { QStringLiteral("reason"), attestorRefusalName(*refused) },
                                     { QStringLiteral("nonce"), QString::number(s.intent.nonce) },
                                     { QStringLiteral("amount_units"), s.intent.amountUnits }, { QStringLiteral("time_ms"), now } } });
            continue;
        }
        const Attestation &attestation = std::get<Attestation>(attested);
        const int presentations = s.presentTwice ? 2 : 1;
        for (int i = 0; i < presentations; ++i) {
            const qint64 at = now + i * SecondPresentationMs;
            auto presented = m_clock.time(QStringLiteral("terminal"), [&] { return m_terminal->present(attestation, at); });
            if (auto *refused = std::get_if<TerminalRefusal>(&presented)) {
                ++w.terminalRefusals[*refused];
                w.refusals.push_back({ terminalActor, QStringLiteral("pilot.terminal_refused"),
                                       QStringLiteral("run %1 order %2").arg(runText, ledger::toDecimal(attestation.orderId)),
                                       { { QStringLiteral("run"), qint64(m_run) }, { QStringLiteral("reason"), terminalRefusalName(*refused) },
                                         { QStringLiteral("time_ms"), at } } });
                continue;
            }
            const ledger::Transfer &hold = std::get<ledger::Transfer>(presented);
            w.holds.push_back(hold);
            w.held.push_back({ attestation.orderId, hold.id, attestation.amountUnits, at });
        }
    }
    w.submissionsTotal = m_submissions.size();
    w.submissionsDone = m_next;
    w.stageNs = m_clock.ns;
    return w;
}

} // namespace cabinet::pilot
