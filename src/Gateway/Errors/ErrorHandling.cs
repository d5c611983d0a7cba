namespace Gateway.Errors;

/// <summary>Turns "a dependency cannot answer" (503) and "the request could not be read" (4xx) into a response in one place, for every endpoint and stage.</summary>
internal static class ErrorHandling
{
    public static WebApplicationBuilder AddDependencyFailureHandling(this WebApplicationBuilder builder)
    {
        builder.Services.AddExceptionHandler<DependencyFailureHandler>();
        builder.Services.AddExceptionHandler<ClientFaultHandler>();
        return builder;
    }

    /// <summary>
    /// Before the gateway's pages and the proxy, so that every endpoint and every pipeline stage reaches
    /// <see cref="DependencyFailureHandler"/>, and a request Kestrel could not read reaches <see cref="ClientFaultHandler"/> (its 4xx).
    /// Any other exception stays what it was: a bare 500.
    /// </summary>
    public static WebApplication UseDependencyFailureHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return Task.CompletedTask;
            },
        });
        return app;
    }
}
