using System.Security.Cryptography;
using System.Text;

namespace Hass.Distributed;

/// <summary>
/// Proof that a worker knows the cluster secret without sending it: HMAC-SHA256 of a one-use nonce from the owner
/// and the worker's name. It keeps strangers from joining; it does not encrypt the traffic (TLS does, see docs/distributed.md).
/// </summary>
public static class ClusterSecret
{
    public static string Proof(string secret, string nonce, string worker) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{nonce}|{worker}")));

    public static bool Verify(string secret, string nonce, string worker, string proof) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Proof(secret, nonce, worker)), Encoding.ASCII.GetBytes(proof));

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
