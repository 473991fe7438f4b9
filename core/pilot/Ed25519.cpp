#include "pilot/Ed25519.h"

#include "Assert.h"

#include <sodium.h>

namespace cabinet::pilot {

namespace {
void initSodium()
{
    // Idempotent and thread-safe; fails only without an entropy source.
    CABINET_ASSERT(sodium_init() >= 0);
}
} // namespace

KeyPair KeyPair::generate()
{
    initSodium();
    KeyPair pair;
    crypto_sign_keypair(pair.m_public.data(), pair.m_secret.data());
    return pair;
}

KeyPair KeyPair::fromSeed(const std::array<quint8, 32> &seed)
{
    initSodium();
    KeyPair pair;
    crypto_sign_seed_keypair(pair.m_public.data(), pair.m_secret.data(), seed.data());
    return pair;
}

Signature KeyPair::sign(const QByteArray &message) const
{
    Signature signature {};
    crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char *>(message.constData()), quint64(message.size()),
                         m_secret.data());
    return signature;
}

bool verify(const PublicKey &key, const QByteArray &message, const Signature &signature)
{
    return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char *>(message.constData()), quint64(message.size()),
                                       key.data()) == 0;
}

} // namespace cabinet::pilot
