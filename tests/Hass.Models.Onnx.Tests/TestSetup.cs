using System.Runtime.CompilerServices;

namespace Hass.Models.Onnx.Tests;

internal static class TestSetup
{
    /// <summary>One libtorch thread: the machine is shared, and tests stay deterministic and light.</summary>
    [ModuleInitializer]
    internal static void OneThread() => TorchSharp.torch.set_num_threads(1);
}

/// <summary>The committed fixtures (made by Fixtures/generate.py), read in place from the source tree.</summary>
internal static class Fixtures
{
    public static string Folder { get; } = Find();

    public static string Path(string file) => System.IO.Path.Combine(Folder, file);

    public static float[] Floats(string file)
    {
        var bytes = File.ReadAllBytes(Path(file));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "Hass.Models.Onnx.Tests", "Fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Hass.Models.Onnx.Tests/Fixtures not found above the test assembly");
    }
}
