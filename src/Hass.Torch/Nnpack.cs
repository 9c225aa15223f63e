using System.Runtime.InteropServices;

namespace Hass.Torch;

/// <summary>
/// Turns libtorch's NNPACK convolution backend off. Where NNPACK cannot start (it needs AVX2 and reads the CPU's caches
/// itself; it fails on this project's machines), libtorch tries again on every convolution it would give it (those of
/// small batches, such as the last images of a pass) and writes "Could not initialize NNPACK! Reason: Unsupported
/// hardware." to standard error each time: 4,356 of the 4,553 lines a 150-trial fmnist-mobilenet campaign printed.
/// Those convolutions then run on libtorch's other CPU kernels, as they do with NNPACK off, so nothing changes there;
/// where NNPACK would start, turning it off gives every machine of a distributed campaign the same kernels. TorchSharp
/// 0.107 has no setting for it, so this calls <c>at::globalContext().setUserEnabledNNPACK(false)</c> in libtorch_cpu by
/// its C++ names.
/// </summary>
public static class Nnpack
{
    private static readonly Lazy<bool> TurnedOff = new(TurnOff);

    /// <summary>Turns NNPACK off once per process (libtorch must be loaded); false where libtorch lacks the symbols, which leaves its default.</summary>
    public static bool Disable() => TurnedOff.Value;

    /// <summary>Whether libtorch may use NNPACK (its user setting).</summary>
    public static bool Enabled() => UserEnabled(GlobalContext());

    private static bool TurnOff()
    {
        try
        {
            SetUserEnabled(GlobalContext(), false);
            return !Enabled();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabled(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabled(IntPtr context);
}
