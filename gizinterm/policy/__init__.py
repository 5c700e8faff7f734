"""The outbound policy: pure normalisation and matching of recipients against the office's blocklist.

One module per recipient class (`emails`, `domains`, `urls`, `ips`, `handles`, `phones`, `slack`), a
compiler for the `[blocklist]` table (`model`), a cache for the hot path (`cache`), the matcher
(`match`) and the shell-command reader (`shell`). Nothing here prints, touches the database or imports
a UI; `idna`, `phonenumbers` and the confusables data are imported only when an input needs them.
"""
