"""Run model-written Python in a confined, resource-limited, throwaway process.

    from jiuzhang.sandbox import Sandbox, SandboxLimits

    sandbox = Sandbox(SandboxLimits(cpu_s=5, wall_s=10))
    result = sandbox.run("import sympy\nsympy.factor(x**2 - 1)")  # result.status, .stdout, .error
    results = sandbox.run_many(codes)  # up to `workers` at once, in input order

Isolation is bubblewrap when it works here (`apt-get install bubblewrap`), else util-linux
`unshare` with a warning (no file isolation); `Sandbox.isolation` says which is in use.
"""

from jiuzhang.sandbox.limits import ExecResult, SandboxLimits
from jiuzhang.sandbox.sandbox import Sandbox

__all__ = ["ExecResult", "Sandbox", "SandboxLimits"]
