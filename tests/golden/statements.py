"""Every statement the scenario files and the examples settle, as text: the golden record.

``python tests/golden/statements.py > tests/golden/statements.sha256`` was run once on the
code before explanations became lazy (commit 6b82e71, where every explanation was built
eagerly when settling); ``test_lazy_explanations_equal_the_eager_ones…`` runs the same files
and examples now and compares, statement by statement, the SHA-256 of the rendered text
(every figure, finding and explanation, in Chinese and in English) and of every
explanation's text.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("tests/scenarios/*.toml"),
                *ROOT.glob("plugins/ningxia/scenarios/*.toml")])
EXAMPLES = sorted(ROOT.glob("examples/*.py"))


def rendered() -> list[str]:
    """One line per statement settled by the scenario files: where, and the hashes."""
    from outsourcing import scenarios, settlement

    out: list[str] = []
    cls: Any = settlement.PreparedContract
    original = cls.settle
    where = [""]

    def settle(self: Any, *args: Any, **kw: Any) -> Any:
        st = original(self, *args, **kw)
        text = st.render() + st.render("en")
        trail = "\n".join(str(e) for e in st.all_explanations())
        out.append(f"{where[0]} {st.contract_id} {st.period} "
                   f"{hashlib.sha256(text.encode()).hexdigest()[:20]} "
                   f"{hashlib.sha256(trail.encode()).hexdigest()[:20]}")
        return st

    cls.settle = settle
    try:
        for f in FILES:
            where[0] = f.relative_to(ROOT).as_posix()
            scenarios.run_files([f])
        for f in EXAMPLES:
            where[0] = f.relative_to(ROOT).as_posix()
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path(str(f), run_name="__main__")
    finally:
        cls.settle = original
    return out


if __name__ == "__main__":
    sys.stdout.write("".join(f"{x}\n" for x in rendered()))
