using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.BrowserFlows;

/// <summary>Absolute URLs of the browser flows, on the gateway's public origin (npm requires absolute http(s) URLs).</summary>
internal sealed class BrowserFlowUrls(IOptions<GatewayOptions> options)
{
    private string Origin => options.Value.PublicUrl.TrimEnd('/');

    public string Authorize(string flowId) => $"{Origin}/-/gateway/authorize/{flowId}";

    public string Login(string flowId) => $"{Origin}/-/gateway/login/{flowId}";

    public string Done(string doneId) => $"{Origin}/-/gateway/done/{doneId}";
}
