#!/usr/bin/env python3
"""perf samples under a frame, by the frame it called: python3 under.py perf.data "<frame substring>"."""
import subprocess, sys, collections, re
data, anchor = sys.argv[1], sys.argv[2]
out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,ip,sym"], capture_output=True, text=True).stdout
c = collections.Counter(); total = 0; hit = 0
clean = lambda l: re.sub(r"\[(QuickJitted|InstrumentedTier|OptimizedTier1|Optimized|Tier0|Tier1|OSR)\]", "", re.sub(r"^\s*[0-9a-f]+\s+", "", l))[:170]
for block in out.split("\n\n"):
    lines = [l for l in block.strip().split("\n") if l.strip()]
    if not lines: continue
    total += 1
    fr = lines[1:]
    for i, l in enumerate(fr):
        if anchor in l:
            hit += 1
            c[clean(fr[i-1]) if i > 0 else "(self)"] += 1
            break
print(f"{anchor}: {100*hit/total:.2f}% of samples")
for k, v in c.most_common(14):
    print(f"{100*v/total:5.2f}% {k}")
