#!/usr/bin/env python3
"""Share of perf samples by component: each sample goes to the first known component on its stack, from the leaf."""
import subprocess, sys, collections
def buckets(data):
    out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,ip,sym"], capture_output=True, text=True).stdout
    counts = collections.Counter(); total = 0
    markers = [("auth/authz/antiforgery", ("[Microsoft.AspNetCore.Authentication", "[Microsoft.AspNetCore.Authorization", "[Microsoft.AspNetCore.Antiforgery", "Microsoft.AspNetCore.Authentication.Cookies")),
               ("gateway code", ("[Gateway]",)),
               ("yarp", ("[Yarp.ReverseProxy]",)),
               ("routing", ("[Microsoft.AspNetCore.Routing]",)),
               ("hosting/http abstractions", ("[Microsoft.AspNetCore.Hosting]", "[Microsoft.AspNetCore.Http", "[Microsoft.AspNetCore.HostFiltering]")),
               ("kestrel", ("[Microsoft.AspNetCore.Server.Kestrel",)),
               ("System.Net.Http", ("[System.Net.Http]",)),
               ("sockets", ("[System.Net.Sockets]",)),
               ("logging", ("[Microsoft.Extensions.Logging",)),
               ("Garnet/store", ("Garnet", "Tsavorite", "StackExchange")),
              ]
    for block in out.split("\n\n"):
        lines = [l for l in block.strip().split("\n") if l.strip()]
        if not lines: continue
        total += 1
        b = None
        for l in lines[1:]:
            for name, ms in markers:
                if any(m in l for m in ms):
                    b = name; break
            if b: break
        counts[b or "other (runtime, GC, kernel-only, unresolved)"] += 1
    return total, counts
for d in sys.argv[1:]:
    total, c = buckets(d)
    print(f"{d}: {total} samples")
    for k, v in c.most_common():
        print(f"  {k:50s} {100*v/total:5.1f}%")
