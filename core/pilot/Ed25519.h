#pragma once

// Ed25519 through libsodium (crypto_sign): the participants', the
// attestor's keys.
#include <QByteArray>

#include <array>
#include <cstdint>

namespace cabinet::pilot {

using PublicKey = std::array<quint8, 32>;
using Signature = std::array<quint8, 64>;

class KeyPair {
public:
    // A fresh random key (the attestor's).
    static KeyPair generate();
    // From a 32-byte seed (a simulated participant's, reproducible).
    static KeyPair fromSeed(const std::array<quint8, 32> &seed);

    const PublicKey &publicKey() const { return m_public; }
    Signature sign(const QByteArray &message) const;

private:
    KeyPair() = default;
    PublicKey m_public {};
    std::array<quint8, 64> m_secret {};
};

bool verify(const PublicKey &key, const QByteArray &message, const Signature &signature);

} // namespace cabinet::pilot
