using System.Reflection;
using System.Reflection.Emit;

namespace Hass.Testing;

/// <summary>
/// Reads the IL of every method of an assembly for calls that make a TorchSharp Scalar (or tensor) nobody holds: an
/// implicit conversion, or a TorchSharp overload that converts a number itself. Such a temporary is unreachable while
/// LibTorch still reads it, so the finalizer can free it mid-call (docs/models.md, "Temporaries"). By type name, so
/// test projects without TorchSharp can use it.
/// </summary>
public static class ImplicitScalarScan
{
    private const string TensorType = "TorchSharp.torch+Tensor";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IEnumerable<string> Offenders(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                foreach (var callee in Callees(method))
                {
                    if (callee is MethodInfo { Name: "op_Implicit" } m && m.DeclaringType?.Namespace?.StartsWith("TorchSharp", StringComparison.Ordinal) == true)
                        yield return $"{type.FullName}.{method.Name} calls {m.DeclaringType.Name}.op_Implicit({m.GetParameters()[0].ParameterType.Name})";
                    if (callee is MethodInfo hidden && HidesAScalar(hidden))
                        yield return $"{type.FullName}.{method.Name} calls Tensor.{hidden.Name}({string.Join(", ", hidden.GetParameters().Select(p => p.ParameterType.Name))}), which makes a Scalar of its own";
                }
    }

    /// <summary>
    /// TorchSharp calls that convert a Scalar implicitly themselves: `a + b`, `a.add(b)`, `a.add_(b)`, `n - a` (negative,
    /// then add) and `a.addcdiv(b, c)` pass LibTorch an alpha (or value) of 1, and an operator with a number (`a * 2.0`)
    /// converts the number. Call the overload that takes the Scalar.
    /// </summary>
    private static bool HidesAScalar(MethodInfo m)
    {
        if (m.DeclaringType?.FullName != TensorType) return false;
        var parameters = m.GetParameters();
        if (m.Name.StartsWith("op_", StringComparison.Ordinal) && parameters.Any(p => p.ParameterType.IsPrimitive)) return true;
        return m.Name switch
        {
            "add" or "add_" => parameters.Length == 1,
            "addcdiv" or "addcdiv_" => parameters.Length == 2,
            "op_Addition" => true,
            "op_Subtraction" => parameters[0].ParameterType.FullName != TensorType,
            _ => false,
        };
    }

    /// <summary>Methods called by <paramref name="method"/>, read from its IL opcode by opcode.</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos] == 0xFE ? (short)(0xFE00 | il[pos + 1]) : il[pos];
            pos += il[pos] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, pos), method.DeclaringType?.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null); }
                catch (ArgumentException) { }
                if (callee is not null) yield return callee;
            }
            pos += OperandSize(op, il, pos);
        }
    }

    private static int OperandSize(OpCode op, byte[] il, int pos) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, pos),
        _ => 4,
    };
}
