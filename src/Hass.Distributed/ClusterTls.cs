using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hass.Abstractions;
using Orleans.Connections.Security;

namespace Hass.Distributed;

/// <summary>
/// TLS between the owner and its workers (Microsoft.Orleans.Connections.Security): every process holds the same
/// cluster certificate, both ends must present it, and a peer's certificate is accepted only when it is that one.
/// </summary>
public static class ClusterTls
{
    public const string PasswordVariable = "HASS_CLUSTER_TLS_PASSWORD";
    /// <summary>A certificate with its key and chain is a few KiB; a pipe or a device is refused before it is read.</summary>
    public const long MaxCertificateFileBytes = 1 << 20;

    /// <summary>The cluster certificate with its private key from a PKCS#12 file (password: $HASS_CLUSTER_TLS_PASSWORD).</summary>
    public static X509Certificate2 Load(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12(InputFile.ReadBytes(path, MaxCertificateFileBytes), password);
            return certificate.HasPrivateKey ? certificate
                : throw new ClusterConfigurationException($"--tls-certificate {path} holds no private key: export the certificate with its key (PKCS#12)");
        }
        catch (InputFileException e)
        {
            throw new ClusterConfigurationException($"--tls-certificate {path}: {e.Problem}; give the cluster's PKCS#12 certificate file");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterConfigurationException($"--tls-certificate {path} cannot be read as a PKCS#12 certificate ({e.Message}); " +
                                                    $"give the file with its key and set {PasswordVariable} when it has a password");
        }
    }

    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        var pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
    }
}
