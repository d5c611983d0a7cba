using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>The audit trail and its options (<c>Gateway:Operations</c>).</summary>
internal static class AuditRegistration
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<OperationsOptions>, OperationsOptionsValidator>();
        builder.Services.AddOptions<OperationsOptions>().Bind(builder.Configuration.GetSection(OperationsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<AuditTrail>();
        return builder;
    }
}
