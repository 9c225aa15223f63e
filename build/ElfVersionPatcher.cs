// Compiled by MSBuild's RoslynCodeTaskFactory (build/Hass.TorchSharpNative.targets); not part of any project.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks the libstdc++ version requirements (Vernaux entries of .gnu.version_r) of an ELF64 shared library weak
/// when the system libstdc++ does not define them, so that an older loader accepts the library.
/// </summary>
public sealed class HassRelaxLibStdCxxVersions : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string SystemLibrary { get; set; } = "";

    public override bool Execute()
    {
        byte[] system;
        try { system = File.ReadAllBytes(SystemLibrary); }
        catch (Exception e)
        {
            Log.LogMessage(MessageImportance.Low, $"HASS: cannot read {SystemLibrary} ({e.Message}); libLibTorchSharp.so left as is.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.GetMetadata("FullPath");
            try { Relax(path, system); }
            catch (Exception e)
            {
                Log.LogError($"HASS: could not patch {path}: {e.Message}. Delete the build output and rebuild, or set HassPatchLibTorchSharp=false.");
                return false;
            }
        }
        return !Log.HasLoggedErrors;
    }

    private void Relax(string path, byte[] system)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian ELF64 file");

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > elf.Length)
            throw new InvalidDataException("section header table out of range");

        var relaxed = new List<string>();
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)(sh + 4)) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)(sh + 0x18));
            long size = (long)BitConverter.ToUInt64(elf, (int)(sh + 0x20));
            int link = (int)BitConverter.ToUInt32(elf, (int)(sh + 0x28));
            int count = (int)BitConverter.ToUInt32(elf, (int)(sh + 0x2C));
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize + 0x18));
            if (offset + size > elf.Length) throw new InvalidDataException(".gnu.version_r out of range");

            long verneed = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)(verneed + 2));
                string file = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)(verneed + 4)));
                long aux = verneed + BitConverter.ToUInt32(elf, (int)(verneed + 8));
                for (int a = 0; a < auxCount; a++)
                {
                    string version = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)(aux + 8)));
                    ushort flags = BitConverter.ToUInt16(elf, (int)(aux + 4));
                    if (file.StartsWith("libstdc++", StringComparison.Ordinal) && (flags & VerFlagWeak) == 0 && !Defines(system, version))
                    {
                        flags |= VerFlagWeak;
                        elf[aux + 4] = (byte)(flags & 0xff);
                        elf[aux + 5] = (byte)(flags >> 8);
                        relaxed.Add(version);
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, (int)(aux + 12));
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, (int)(verneed + 12));
                if (next == 0) break;
                verneed += next;
            }
        }

        if (relaxed.Count == 0)
        {
            Log.LogMessage(MessageImportance.Low, $"HASS: {path} needs nothing the system libstdc++ lacks.");
            return;
        }
        // Replace the file rather than writing into it: the output copy may be a hard link into the NuGet cache.
        var temp = path + ".hass-tmp";
        File.WriteAllBytes(temp, elf);
        File.Delete(path);
        File.Move(temp, path);
        Log.LogMessage(MessageImportance.High, $"HASS: marked {string.Join(", ", relaxed)} weak in {path} (system libstdc++ lacks them).");
    }

    private static string ReadString(byte[] data, long offset)
    {
        long end = offset;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)offset, (int)(end - offset));
    }

    /// <summary>True when the system library contains the version name as a NUL-terminated string.</summary>
    private static bool Defines(byte[] library, string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        for (int i = 1; i + needle.Length <= library.Length; i++)
        {
            if (library[i - 1] != 0 || library[i] != needle[0]) continue;
            int j = 1;
            while (j < needle.Length && library[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
