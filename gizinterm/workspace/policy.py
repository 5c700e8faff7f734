"""The workspace's outbound policy: the blocklist, the gateway, its audit, and the agents' guard hooks."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    from gizinterm.policy import gateway as outbound
    from gizinterm.policy import hooks


class PolicyPart(WorkspaceBase):
    # Thin delegates: the policy engine, the gateway and the hook installer own the work.

    def policy(self) -> dict[str, Any]:
        """The compiled outbound policy (raises ConfigError when it does not parse); its version is
        recorded the first time any command sees it."""
        from gizinterm.policy.cache import load_cached
        from gizinterm.store import connect
        from gizinterm.store.audit import record_policy_version

        compiled, _ = load_cached(str(self.roster.path))
        with contextlib.closing(connect(self.db_path)) as conn:
            record_policy_version(conn, compiled["hash"], compiled["content"], compiled["sources"][0])
        return compiled

    def check_outbound(self, values: list[str]) -> list[outbound.Verdict]:
        from gizinterm.policy import gateway as gateway

        return gateway.check_values(self.policy(), values)

    def send_outbound(self, message: outbound.Message) -> tuple[outbound.Verdict, str, int]:
        """Check, audit, then hand to the channel's transport: (verdict, where it went, audit id).
        A deny is audited and raised as PolicyRefused; nothing reaches the transport."""
        from gizinterm.policy import gateway as gateway
        from gizinterm.store import connect
        from gizinterm.store.audit import input_hash, record_decision

        policy = self.policy()
        transports = gateway.channel_transports(self.roster)
        verdict = gateway.check_message(policy, message)
        fields = [message.channel, message.to, message.cc, message.bcc, message.subject, message.body]
        with contextlib.closing(connect(self.db_path)) as conn:
            audit_id = record_decision(
                conn,
                channel=message.channel,
                tool="gizin outbound send",
                decision=verdict.decision,
                agent=message.agent,
                rule=verdict.rule or None,
                recipient=", ".join((*message.to, *message.cc, *message.bcc)),
                normalized=verdict.normalized or None,
                reason=verdict.reason,
                input_sha256=input_hash(repr(fields)),
                policy_hash=policy["hash"],
            )
        if verdict.decision != "allow":
            raise gateway.refuse(verdict)
        payload = {
            "audit_id": audit_id,
            "agent": message.agent,
            "channel": message.channel,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "subject": message.subject,
            "body": message.body,
            "policy_hash": policy["hash"],
        }
        where = gateway.deliver(transports[message.channel], payload, str(self.office_dir))
        return verdict, where, audit_id

    def outbound_audit(
        self, *, since: str | None = None, agent: str | None = None, decision: str | None = None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        from gizinterm.store import connect
        from gizinterm.store.audit import audit_rows

        with contextlib.closing(connect(self.db_path)) as conn:
            return audit_rows(conn, since=since, agent=agent, decision=decision, limit=limit)

    def policy_history(self) -> list[dict[str, Any]]:
        from gizinterm.store import connect
        from gizinterm.store.audit import policy_versions

        with contextlib.suppress(Exception):
            self.policy()  # record the current version before listing (an invalid one is simply not listed)
        with contextlib.closing(connect(self.db_path)) as conn:
            return policy_versions(conn)

    def edit_blocklist(self, kind: str, value: str, *, add: bool) -> tuple[Path, bool]:
        from gizinterm.policy import blocklist_file

        with contextlib.suppress(Exception):
            self.policy()  # the version in force before the edit is on record too (unless it is broken)
        path, changed = blocklist_file.edit(self.roster.path, kind, value, add=add)
        if changed:
            self.policy()
        return path, changed

    def install_guard(self, agents: list[str] | None = None) -> list[hooks.HookResult]:
        from gizinterm.policy import hooks as installer

        return installer.install(self.roster, agents or None)

    def guard_selftest(self, agents: list[str] | None = None, real: str = "auto") -> list[hooks.HookResult]:
        """`real`: "auto" (the agent's real CLI when its command runs one), "always" or "never"."""
        from gizinterm.policy import hooks as installer

        return installer.selftest(self.roster, agents or None, self._guard_env(), real)

    def broken_guards(self, ids: list[str] | None = None) -> dict[str, str]:
        """Agents (all, or `ids`) whose kind has hooks and whose installed guard would not block, with why:
        `up` and `restart` refuse to start them."""
        from gizinterm.policy import hooks as installer

        agents = [a for a in self.roster.agents if (a.id in ids if ids is not None else a.autostart)]
        return installer.broken_guards(self.roster, agents, self._guard_env())

    def _guard_env(self) -> dict[str, str]:
        return {"GIZIN_HOME": str(self.office_dir), "GIZIN_DB": str(self.db_path)}

    def validate_policy(self) -> dict[str, Any]:
        """Compile the blocklist and check `[channels]`, writing nothing (for `gizin config validate`)."""
        from gizinterm.policy.cache import compile_office
        from gizinterm.policy.gateway import channel_transports

        compiled = compile_office(str(self.roster.path))
        channel_transports(self.roster)
        return compiled
