namespace Gateway.TwoFactor;

/// <summary>
/// One HTTP request as a web-OTP flow records it: the method, the request target exactly as received (path
/// and query, the bytes the registry gets, see Proxy/RawTargetTransform.cs), the body's length (declared; in a
/// flow, as read; shown)
/// and the SHA-256 of the body the gateway read and forwards (<see cref="ApprovalBodyDigest"/>). The approval
/// page shows it and the token the page issues is good for it alone (docs/SECURITY.md, "Web approvals").
/// </summary>
/// <param name="BodySha256">Lower-case hex; null when the body was not read (a request without a web-OTP token or flow).</param>
public sealed record RequestTarget(string Method, string Target, long? ContentLength, string? BodySha256 = null);

/// <summary>A request that needs a second factor: what the route policy made of it, and the request itself.</summary>
public sealed record ProtectedRequest(Policy.RequestClassification Classification, RequestTarget Target);
