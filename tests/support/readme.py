"""Running the code the README gives integrators, so the README cannot drift from the
system it describes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_function(name: str) -> Callable[..., Any]:
    """The function `name` as defined in one of the README's Python blocks."""
    for block in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL):
        if f"def {name}(" in block:
            namespace: dict[str, Any] = {}
            exec(compile(block, str(README), "exec"), namespace)
            function: Callable[..., Any] = namespace[name]
            return function
    raise LookupError(f"README.md defines no function {name}")
