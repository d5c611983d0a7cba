using BenchmarkDotNet.Attributes;
using Gateway.Policy;

namespace Gateway.Microbench;

/// <summary>
/// The gateway's decision for one request: parse the raw target (normalising package spellings) and
/// classify it with the shipped config/route-policy.json. Reported per request.
/// </summary>
[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    private RoutePolicy _policy = null!;
    private NpmRequestCorpus.Request[] _corpus = null!;
    private RequestBody[] _bodies = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policy = RoutePolicyParser.Load(PolicyFile.Find());
        _corpus = NpmRequestCorpus.All;
        _bodies = NpmRequestCorpus.ParsedBodies()
            .Select(b => b is { } json ? RequestBody.Parsed(json) : RequestBody.Unavailable)
            .ToArray();
    }

    /// <summary>The whole corpus (reads and writes, scoped spellings); the time is per request.</summary>
    [Benchmark(OperationsPerInvoke = 32)]
    public int ClassifyCorpus()
    {
        var protectedCount = 0;
        for (var i = 0; i < _corpus.Length; i++)
        {
            var request = _corpus[i];
            var path = RequestPath.Parse(request.Target);
            var classification = _policy.Classify(request.Method, path, RequestBody.NotRead, out _)
                ?? _policy.Classify(request.Method, path, _bodies[i], out _)!;
            protectedCount += classification.Class == ProtectionClass.None ? 0 : 1;
        }

        return protectedCount;
    }

    /// <summary>The hot path: a packument GET, unscoped.</summary>
    [Benchmark(Baseline = true)]
    public RequestClassification ClassifyPackumentGet() =>
        _policy.Classify("GET", RequestPath.Parse("/left-pad"), RequestBody.NotRead, out _)!;

    /// <summary>A scoped tarball GET in npm's encoded spelling.</summary>
    [Benchmark]
    public RequestClassification ClassifyScopedTarballGet() =>
        _policy.Classify("GET", RequestPath.Parse("/@types%2fnode/-/node-22.10.1.tgz"), RequestBody.NotRead, out _)!;

    /// <summary>A publish: the PUT /{package} rules look at the (already parsed) small body.</summary>
    [Benchmark]
    public RequestClassification ClassifyPublishPut()
    {
        var path = RequestPath.Parse("/bench-pkg");
        return _policy.Classify("PUT", path, RequestBody.NotRead, out _)
            ?? _policy.Classify("PUT", path, _bodies[16], out _)!;
    }

    /// <summary>Path normalisation alone.</summary>
    [Benchmark]
    public string[] ParseScopedPath() => RequestPath.Parse("/%40babel%2Fcore").Segments;
}
