"""The outbound policy: the blocklist and everything that enforces it.

Pure matching: one module per recipient class (`emails`, `domains`, `urls`, `ips`, `handles`, `phones`,
`slack`), a compiler for the `[blocklist]` table (`model`), a cache for the hot path (`cache`), the
matcher (`match`) and the shell-command reader (`shell`); these never print, touch the database or
import a UI, and load `idna`, `phonenumbers` and the confusables data only when an input needs them.
Enforcement: the agents' pre-tool hook (`guard`, its record in `guard_record`, the tool classes in
`tools`), its installation into each CLI's settings (`hooks`), the outbound gateway (`gateway`), and
edits of the blocklist file (`blocklist_file`).
"""
