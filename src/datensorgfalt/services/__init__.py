"""Services: plain functions with typed inputs and outputs (CLI, web UI and tests call them)."""
