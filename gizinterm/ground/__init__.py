"""The shared ground every capability stands on: paths, errors, atomic files, TOML, safe text, days."""
