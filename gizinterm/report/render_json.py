"""The reports as JSON-ready data: the stable, scriptable form of every report.

Keys are part of the CLI's API (stdout is data), so they are spelled out here once rather than derived
from the dataclasses, whose fields may change shape for the renderers' convenience.
"""

from __future__ import annotations

import json
from typing import Any

from gizinterm.report.model import (
    AgentReport,
    NextMove,
    Person,
    ProviderReport,
    Share,
    Summary,
    UsageShares,
    WeekReport,
)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def person(p: Person) -> dict[str, Any]:
    return {"agent": p.id, "name": p.name, "role": p.role, "department": p.department, "removed": p.removed}


def summary(s: Summary) -> dict[str, Any]:
    return {
        "summary": s.text,
        "summary_source": s.source,
        "blocked": sum(1 for p in s.parts if p.blocked),
        "more": s.more,
    }


def next_move(report: NextMove) -> dict[str, Any]:
    data = {
        "office": report.office,
        "heading": report.heading,
        "date": report.day.isoformat(),
        "date_line": report.date_line,
        "active": report.active,
        "rows": [{**person(r.person), "task_ids": list(r.task_ids), **summary(r.summary)} for r in report.rows],
    }
    if report.footer:  # only with `[report] costs = true`: the shape is otherwise unchanged
        data["footer"] = report.footer
    return data


def week(report: WeekReport) -> dict[str, Any]:
    return {
        "office": report.office,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "active": len(report.rows),
        "rows": [
            {
                **person(r.person),
                "days_active": r.days_active,
                "task_count": r.task_count,
                "lines": [{"date": day.isoformat(), **summary(s)} for day, s in r.lines],
            }
            for r in report.rows
        ],
    }


def agent(report: AgentReport) -> dict[str, Any]:
    return {
        **person(report.person),
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "task_count": report.task_count,
        "days_active": len(report.days),
        "blocked": report.blocked_count,
        "days": [
            {
                "date": d.day.isoformat(),
                **summary(d.summary),
                "tasks": [
                    {"id": t.id, "text": t.text, "status": t.status, "created_at": t.created_at} for t in d.tasks
                ],
            }
            for d in report.days
        ],
    }


def _share(s: Share) -> dict[str, Any]:
    return {
        "key": s.key,
        "agents": s.agents,
        "agents_pct": s.agents_pct,
        "tasks": s.tasks,
        "tasks_pct": s.tasks_pct,
        "messages": s.messages,
        "messages_pct": s.messages_pct,
    }


def providers(report: ProviderReport) -> dict[str, Any]:
    return {
        "office": report.office,
        "since": report.since.isoformat() if report.since else None,
        "totals": dict(report.totals),
        "providers": [_share(s) for s in report.providers],
        "models": [_share(s) for s in report.models],
        "usage": None if report.usage is None else _usage(report.usage),
    }


def _usage(u: UsageShares) -> dict[str, Any]:
    """Tokens are exact; `cost` is an estimate at list prices, null where a model has no price."""
    return {
        "headline": u.headline,
        "currency": u.currency,
        "tokens": u.tokens,
        "cost": None if u.cost is None else round(u.cost, 6),
        "cost_is": "estimate at list prices",
        "unpriced_models": list(u.unpriced),
        "unattributed_requests": u.unattributed_requests,
        "routine": {
            "line": u.routine_line,
            "cost": round(u.routine_cost, 6),
            "cost_at_smaller": round(u.routine_cost_smaller, 6),
            "agents": list(u.routine_agents),
        },
        "providers": [
            {
                "key": p.key,
                "requests": p.requests,
                "tokens": p.tokens,
                "tokens_pct": p.tokens_pct,
                "cost": None if p.cost is None else round(p.cost, 6),
                "cost_pct": p.cost_pct,
            }
            for p in u.providers
        ],
    }
