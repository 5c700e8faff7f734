"""Schedules: messages the office sends itself at set times (`[[schedule]]` in agents.toml).

- `when.py`: the phrase grammar ("weekdays 17:30") and its translation to five-field cron (pure, stdlib).
- `model.py`: the validated `[[schedule]]` tables (strict, like the roster).
- `slots.py`: which slot times a schedule has, on the office clock (cronsim; DST handled there).
- `service.py`: what the deliverer's lease holder runs each cycle: due slots into the outbox, once each.
"""
