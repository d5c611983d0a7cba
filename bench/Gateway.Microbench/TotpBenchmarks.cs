using BenchmarkDotNet.Attributes;
using Gateway.TwoFactor;

namespace Gateway.Microbench;

/// <summary>TOTP verification as the second-factor stage does it (±1 step window, Otp.NET).</summary>
[MemoryDiagnoser]
public class TotpBenchmarks
{
    private byte[] _secret = null!;
    private DateTimeOffset _now;
    private string _current = null!;
    private string _previousStep = null!;
    private string _wrong = null!;

    [GlobalSetup]
    public void Setup()
    {
        _secret = TotpCodes.NewSecret();
        _now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
        _current = TotpCodes.Compute(_secret, _now);
        _previousStep = TotpCodes.Compute(_secret, _now.AddSeconds(-TotpCodes.StepSeconds));
        var wrong = (int.Parse(_current) + 1) % 1_000_000;
        _wrong = wrong.ToString("D6");
        while (TotpCodes.Verify(_secret, _wrong, _now, out _))
        {
            wrong = (wrong + 7) % 1_000_000;
            _wrong = wrong.ToString("D6");
        }
    }

    [Benchmark(Baseline = true)]
    public bool VerifyCurrentCode() => TotpCodes.Verify(_secret, _current, _now, out _);

    [Benchmark]
    public bool VerifyPreviousStepCode() => TotpCodes.Verify(_secret, _previousStep, _now, out _);

    /// <summary>A wrong code costs the whole window (three HMACs).</summary>
    [Benchmark]
    public bool VerifyWrongCode() => TotpCodes.Verify(_secret, _wrong, _now, out _);
}
