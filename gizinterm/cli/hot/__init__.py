"""The hot commands: `gizin log`, `send`, `ack`, `up`, `status`, `report`, parsed without typer."""
