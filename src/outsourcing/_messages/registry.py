"""Chinese messages: the store of record (store helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- roles and actors (registry/people.py, access.py, actors.py) -------------------
    "registry.unknown_role": "未知角色；可用角色：经办人、审批人、考核人、财务、供应商",
}
