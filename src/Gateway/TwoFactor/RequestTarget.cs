namespace Gateway.TwoFactor;

/// <summary>
/// One HTTP request as a web-OTP flow records it: the method, the request target exactly as received (path
/// and query, the bytes the registry gets, see Proxy/RawTargetTransform.cs) and the declared body length.
/// The approval page shows it and the token the page issues is good for it alone (README.md, web-OTP).
/// </summary>
public sealed record RequestTarget(string Method, string Target, long? ContentLength);

/// <summary>A request that needs a second factor: what the route policy made of it, and the request itself.</summary>
public sealed record ProtectedRequest(Policy.RequestClassification Classification, RequestTarget Target);
