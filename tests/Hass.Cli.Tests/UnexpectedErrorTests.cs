using System.Runtime.InteropServices;

namespace Hass.Cli.Tests;

/// <summary>An error hass did not expect is one line: the exception's kind and the first line of its message.</summary>
public class UnexpectedErrorTests
{
    [Fact]
    public void A_libtorch_error_is_shown_without_its_native_stack()
    {
        var libTorch = new ExternalException("""
            For integral input tensors, argument alpha must not be a floating point number.
            Exception raised from alpha_check at /pytorch/aten/src/ATen/native/BinaryOps.h:19 (most recent call first):
            frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x6c (0x7f7f in libc10.so)
            """);

        var (code, message) = CliApp.Map(libTorch);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Equal("ExternalException: For integral input tensors, argument alpha must not be a floating point number. "
            + "(set HASS_DEBUG=1 for the stack trace)", message);
    }
}
